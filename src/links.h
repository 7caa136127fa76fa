/*
 * links.h -- the links in a line of text (http, https and ftp URLs)
 * and running the user's command on one, without a shell: the command
 * is split in words, the link is one argument of its own whatever it
 * holds (quotes, $(), ;, a newline), and the program runs detached
 * (no zombie, no inherited descriptors).  Core side: no X header.
 * Part of xchat; see COPYING for the licence.
 */
#ifndef XCHAT_LINKS_H
#define XCHAT_LINKS_H

#include <stdbool.h>
#include <stddef.h>

/*
 * The link in s (len bytes of UTF-8) that covers byte offset at: true
 * with [*start, *end) its bytes.  A link begins with http://, https://
 * or ftp:// (any case) after a start of text or a character that is
 * not a letter or digit, and runs to a blank, a control character,
 * < > " or the end; trailing . , ; : ! ? ' and a ) without its ( are
 * not part of it.
 */
bool	 links_find(const char *s, size_t len, size_t at, size_t *start,
	    size_t *end);

/*
 * The argument vector of the command cmd for link url: cmd split at
 * blanks (no quoting, no shell); every %u in a word is replaced by the
 * link, %% by %; if no word had %u the link is the last argument.
 * NULL if cmd has no word.  Allocated: free with links_argv_free().
 */
char	**links_argv(const char *cmd, const char *url);
void	 links_argv_free(char **);

/*
 * Run argv[0] (searched in PATH) with argv, detached: a child forks
 * the program and exits at once (reaped here), so nothing is left to
 * wait for; the program gets /dev/null as standard input and no other
 * descriptor of ours but standard output and error.  Returns 0, or -1
 * with errno set if the fork failed.  A program that cannot be run
 * says so on standard error (the grandchild's exit status is lost).
 */
int	 links_run(char *const *argv);

#endif
