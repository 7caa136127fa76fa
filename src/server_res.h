/*
 * server_res.h -- the resources of xchatd's window (class XChatd):
 * the struct they are read into, the XtResource table with the
 * English defaults, and the fallbacks used when no app-defaults file
 * is found.  Only server_ui.c reads them.
 * Part of xchat; see COPYING for the licence.
 */
#ifndef XCHAT_SERVER_RES_H
#define XCHAT_SERVER_RES_H

#include <Xm/Xm.h>

struct server_res {
	int		 save_lines;
	int		 flush_interval;
	int		 summary_rate;
	String		 dump_file;
	int		 dump_lines;
	String		 thousands;
	String		 time_format;
	String		 date_format;
	String		 ev_listening;
	String		 ev_joined;
	String		 ev_left;
	String		 ev_renamed;
	String		 ev_accepted;
	String		 ev_rejected;
	String		 ev_log_failed;
	String		 ev_log_ok;
	String		 ev_log_change[8];	/* by enum msglog_change */
	String		 ev_summary;
	String		 ev_summary_other;
	String		 ev_kick;
	String		 ev_verify;
	String		 status_format;
	String		 status_paused;
	String		 status_log;
	String		 col_id;
	String		 col_nick;
	String		 col_addr;
	String		 col_msgs;
	String		 resume_label;
	String		 quit_question;
	String		 about_message;
	String		 log_error;
	String		 verify_good;
	String		 verify_bad;
	String		 verify_unreadable;
	String		 verify_failed;
};

/* The window's resources, read with XtGetApplicationResources. */
extern XtResource	server_res_table[];
extern const Cardinal	server_res_count;
/* errorMessage alone, for the error dialog shown before the window. */
extern XtResource	server_res_error[1];
/* Fallback resources (NULL-terminated) for XtAppSetFallbackResources. */
extern String		server_res_fallbacks[];

#endif
