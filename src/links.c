/*
 * links.c -- links in text, and the user's command run on one without
 * a shell (see links.h).
 * Part of xchat; see COPYING for the licence.
 */
#include "config.h"

#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "links.h"
#include "log.h"
#include "xmalloc.h"

static const char *const schemes[] = { "http://", "https://", "ftp://" };

/* The length of the scheme at s (len bytes left), or 0. */
static size_t
links_scheme(const char *s, size_t len)
{
	size_t	 i, n;

	for (i = 0; i < sizeof schemes / sizeof schemes[0]; i++) {
		n = strlen(schemes[i]);
		if (len > n && strncasecmp(s, schemes[i], n) == 0)
			return n;
	}
	return 0;
}

static bool
links_alnum(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9');
}

static bool
links_stop(unsigned char c)
{
	return c <= ' ' || c == 0x7f || c == '<' || c == '>' || c == '"';
}

/* Where the link that begins at i (after a scheme of n bytes) ends. */
static size_t
links_end(const char *s, size_t len, size_t i, size_t n)
{
	size_t	 e = i + n, k;
	int	 open = 0;

	while (e < len && !links_stop((unsigned char)s[e]))
		e++;
	for (;;) {
		if (e <= i + n)
			return e;
		if (strchr(".,;:!?'", s[e - 1]) != NULL) {
			e--;
			continue;
		}
		if (s[e - 1] != ')')
			return e;
		for (open = 0, k = i; k < e; k++)
			open += s[k] == '(' ? 1 : s[k] == ')' ? -1 : 0;
		if (open >= 0)
			return e;
		e--;
	}
}

bool
links_find(const char *s, size_t len, size_t at, size_t *start, size_t *end)
{
	size_t	 i = 0, n, e;

	while (i < len) {
		if ((i > 0 && links_alnum((unsigned char)s[i - 1])) ||
		    (n = links_scheme(s + i, len - i)) == 0) {
			i++;
			continue;
		}
		e = links_end(s, len, i, n);
		if (e == i + n) {
			i += n;
			continue;
		}
		if (at >= i && at < e) {
			*start = i;
			*end = e;
			return true;
		}
		if (i > at)
			return false;
		i = e;
	}
	return false;
}

/* Word w with every %u replaced by url and %% by %; *used if a %u. */
static char *
links_word(const char *w, size_t wlen, const char *url, bool *used)
{
	size_t	 i, n = 0, cap = wlen + 1, ulen = strlen(url);
	char	*o;

	for (i = 0; i + 1 < wlen; i++)
		if (w[i] == '%' && w[i + 1] == 'u')
			cap += ulen;
	o = xmalloc(cap);
	for (i = 0; i < wlen; i++) {
		if (w[i] == '%' && i + 1 < wlen && w[i + 1] == 'u') {
			memcpy(o + n, url, ulen);
			n += ulen;
			*used = true;
			i++;
		} else if (w[i] == '%' && i + 1 < wlen && w[i + 1] == '%') {
			o[n++] = '%';
			i++;
		} else
			o[n++] = w[i];
	}
	o[n] = '\0';
	return o;
}

char **
links_argv(const char *cmd, const char *url)
{
	char		**v;
	size_t		 n = 0, cap = 4, wlen;
	const char	*p = cmd;
	bool		 used = false;

	v = xreallocarray(NULL, cap, sizeof *v);
	for (;;) {
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p == '\0')
			break;
		wlen = strcspn(p, " \t");
		if (n + 2 >= cap)
			v = xreallocarray(v, cap *= 2, sizeof *v);
		v[n++] = links_word(p, wlen, url, &used);
		p += wlen;
	}
	if (n == 0) {
		free(v);
		return NULL;
	}
	if (!used)
		v[n++] = xstrdup(url);
	v[n] = NULL;
	return v;
}

void
links_argv_free(char **v)
{
	size_t	 i;

	if (v == NULL)
		return;
	for (i = 0; v[i] != NULL; i++)
		free(v[i]);
	free(v);
}

/* In the grandchild: a clean slate, then the program. */
static void
links_exec(char *const *argv)
{
	sigset_t	 none;
	long		 max = sysconf(_SC_OPEN_MAX), fd;
	int		 null;

	setsid();
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	signal(SIGPIPE, SIG_DFL);
	if ((null = open("/dev/null", O_RDONLY)) >= 0 && null != 0) {
		dup2(null, 0);
		close(null);
	}
	if (max < 0 || max > 65536)
		max = 65536;
	for (fd = 3; fd < max; fd++)
		close((int)fd);
	execvp(argv[0], argv);
	log_warn("cannot run %s for a link", argv[0]);
	_exit(127);
}

int
links_run(char *const *argv)
{
	pid_t	 pid, grand;
	int	 st;

	if ((pid = fork()) < 0)
		return -1;
	if (pid == 0) {
		if ((grand = fork()) != 0)
			_exit(grand < 0 ? 1 : 0);
		links_exec(argv);
	}
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	return 0;
}
