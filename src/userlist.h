/*
 * userlist.h -- the client's list of the other users, without a
 * display: sorted by nick (Unicode collation without case, the user's
 * locale's, see nick_sort_key; then id), found by id in
 * constant time, and keeping the edits (add, delete, replace at a
 * position) made since the window last showed it, so that the window
 * applies a few changes one by one and many at once with one rebuild.
 * 100,000 USER lines or a flood of NICKs cost the window one rebuild
 * per flush, not one per line.
 * Part of xchat; see COPYING for the licence.
 */
#ifndef XCHAT_USERLIST_H
#define XCHAT_USERLIST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct ul_user {
	uint64_t	 id;
	char		*nick;		/* display-clean UTF-8 */
	char		*sortkey;	/* nick_sort_key(nick), once */
	char		*away;		/* reason, "": away without, or NULL */
	unsigned	 flags;		/* UL_KEYED, UL_KEYWARN */
	size_t		 idx;		/* the list's own bookkeeping */
};

/* Marks of a user (version 2). */
#define UL_KEYED	0x1	/* has a key */
#define UL_KEYWARN	0x2	/* not the key known_users remembers */

enum ul_op_kind {
	UL_ADD,		/* insert the user id at pos */
	UL_DEL,		/* delete the entry at pos */
	UL_SET		/* the entry at pos shows user id anew */
};

struct ul_op {
	enum ul_op_kind	 kind;
	size_t		 pos;		/* 0-based, at the time of the edit */
	uint64_t	 id;
};

struct userlist;

/* An empty list.  Cannot fail (allocation failure aborts). */
struct userlist *userlist_new(void);
void	 userlist_free(struct userlist *);

/* Forget every user (the window must rebuild). */
void	 userlist_clear(struct userlist *);
/*
 * Add user id, or rename it if present, with nick (len bytes, made
 * display-clean here).  Returns true if it was new.
 */
bool	 userlist_set(struct userlist *, uint64_t id, const char *nick,
	    size_t len);
/*
 * Mark user id away with reason (len bytes; reason NULL: back).
 * Returns false if there is no such user.
 */
bool	 userlist_away(struct userlist *, uint64_t id, const char *reason,
	    size_t len);
/*
 * Set the UL_* flags of user id (the window shows them anew).  Returns
 * false if there is no such user.
 */
bool	 userlist_flags(struct userlist *, uint64_t id, unsigned flags);
/* Remove user id; false if there was none. */
bool	 userlist_del(struct userlist *, uint64_t id);

/* The user with that id, or NULL. */
const struct ul_user *userlist_find(const struct userlist *, uint64_t id);
/* How many users, and the one at sorted position pos (< count). */
size_t	 userlist_count(const struct userlist *);
const struct ul_user *userlist_at(const struct userlist *, size_t pos);

/*
 * The edits since the last userlist_shown(), in order: applied one by
 * one to a display that showed the list then, they make it show the
 * list now.  Returns their number and sets *ops, or returns SIZE_MAX
 * when there were too many (or a clear): rebuild the display.
 */
size_t	 userlist_edits(const struct userlist *, const struct ul_op **ops);
/* The display shows the list now: forget the edits. */
void	 userlist_shown(struct userlist *);

#endif
