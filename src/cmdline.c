/*
 * cmdline.c -- what the user types in an input line of xchat, without
 * a display: commands (/nick, /quit, /help, /me, /msg, /away, /back),
 * messages checked against the protocol's text rules, the action
 * convention ("/me " at the start of a text) and where to cut a text
 * too long for one message.  Part of the client core (no X header).
 * Part of xchat; see COPYING for the licence.
 */
#include "config.h"

#include <string.h>
#include <strings.h>

#include "netclient.h"
#include "nickrules.h"
#include "protocol.h"
#include "utf8.h"

static bool
blank(const char *s, size_t len)
{
	size_t	 i;

	for (i = 0; i < len; i++)
		if (s[i] != ' ' && s[i] != '\t')
			return false;
	return true;
}

/* The text rules for c's text; extra bytes go before it (an action). */
static void
check_text(struct nc_cmd *c, size_t extra)
{
	if (c->arglen + extra > PROTO_MAX_TEXT)
		c->kind = NCC_TOOLONG;
	else if (!proto_text_valid(c->arg, c->arglen))
		c->kind = NCC_BADTEXT;
}

/* Is the command word w (len bytes, with its "/") name? */
static bool
is_cmd(const char *w, size_t len, const char *name)
{
	return len == strlen(name) && strncasecmp(w, name, len) == 0;
}

/* "/msg NICK [text]" and "/query NICK [text]": the rest is in c->arg. */
static void
parse_msg(struct nc_cmd *c)
{
	size_t	 t = 0;

	while (t < c->arglen && c->arg[t] != ' ')
		t++;
	if (t == 0) {
		c->kind = NCC_USAGE;
		return;
	}
	c->target = c->arg;
	c->targetlen = t;
	while (t < c->arglen && c->arg[t] == ' ')
		t++;
	c->arg += t;
	c->arglen -= t;
	if (c->arglen == 0) {
		c->kind = NCC_QUERY;
		return;
	}
	c->kind = NCC_DM;
	check_text(c, 0);
}

/* A command with its name (in[0..w)) and its argument in c->arg. */
static void
parse_cmd(const char *in, size_t w, struct nc_cmd *c)
{
	const char	*name = in;

	if (is_cmd(in, w, "/nick")) {
		c->kind = c->arglen == 0 ? NCC_USAGE :
		    nick_valid(c->arg, c->arglen) ? NCC_NICK : NCC_BADNICK;
		name = "/nick";
	} else if (is_cmd(in, w, "/quit")) {
		c->kind = NCC_QUIT;
		if (c->arglen > 0)
			check_text(c, 0);
		if (c->kind != NCC_QUIT)
			c->kind = NCC_QUIT, c->arglen = 0;
	} else if (is_cmd(in, w, "/help")) {
		c->kind = NCC_HELP;
	} else if (is_cmd(in, w, "/me")) {
		c->kind = c->arglen == 0 ? NCC_USAGE : NCC_MSG;
		c->action = true;
		name = "/me";
		if (c->kind == NCC_MSG)
			check_text(c, NC_ACTION_PREFIX);
	} else if (is_cmd(in, w, "/msg") || is_cmd(in, w, "/query")) {
		name = "/msg";
		parse_msg(c);
	} else if (is_cmd(in, w, "/away")) {
		c->kind = c->arglen > PROTO_MAX_AWAY ? NCC_AWAYLONG :
		    c->arglen > 0 && !proto_text_valid(c->arg, c->arglen) ?
		    NCC_BADTEXT : NCC_AWAY;
	} else if (is_cmd(in, w, "/back")) {
		c->kind = NCC_BACK;
	} else {
		c->kind = NCC_UNKNOWN;
		c->arg = in;
		c->arglen = w;
		return;
	}
	if (c->kind == NCC_USAGE) {
		c->arg = name;
		c->arglen = strlen(name);
	}
}

/*
 * Parse an input line into a command.  "//x" sends "/x"; a message is
 * checked against the protocol's text rules so that the UI can refuse
 * it with a reason.
 */
void
netclient_parse_command(const char *in, size_t len, struct nc_cmd *c)
{
	size_t	 w, a;

	memset(c, 0, sizeof *c);
	if (blank(in, len))
		return;
	if (in[0] != '/' || (len > 1 && in[1] == '/')) {
		c->kind = NCC_MSG;
		c->arg = in[0] == '/' ? in + 1 : in;
		c->arglen = in[0] == '/' ? len - 1 : len;
		check_text(c, 0);
		return;
	}
	for (w = 1; w < len && in[w] != ' '; w++)
		;
	for (a = w; a < len && in[a] == ' '; a++)
		;
	c->arg = in + a;
	c->arglen = len - a;
	while (c->arglen > 0 && c->arg[c->arglen - 1] == ' ')
		c->arglen--;
	parse_cmd(in, w, c);
}

bool
netclient_is_action(const char *text, size_t len)
{
	return len > NC_ACTION_PREFIX &&
	    memcmp(text, "/me ", NC_ACTION_PREFIX) == 0;
}

/*
 * The first piece of a text too long for one message: at most max
 * bytes, ending at a character boundary, after a space or TAB of its
 * last quarter if it has one.
 */
size_t
netclient_split(const char *text, size_t len, size_t max)
{
	size_t	 cut, i;

	if (len <= max)
		return len;
	cut = utf8_char_start(text, max);
	for (i = cut; i > 0 && i > cut - cut / 4; i--)
		if (text[i - 1] == ' ' || text[i - 1] == '\t')
			return i;
	return cut;
}
