/* log.h: gongwen-searchd's log, on stderr (systemd style: the journal adds time and unit).
 *
 * Under systemd (JOURNAL_STREAM set) each line starts with the syslog priority "<N>" the
 * journal understands; otherwise with an ISO time and the level name, for a terminal.
 * The access log (one line per request) is separate: off, stderr ("-") or a file that
 * SIGHUP reopens (logrotate). Every function is thread-safe. */
#ifndef SD_LOG_H
#define SD_LOG_H

enum sd_log_level { SD_LOG_ERROR = 3, SD_LOG_WARN = 4, SD_LOG_INFO = 6, SD_LOG_DEBUG = 7 };

/* Sets the threshold from a config name (error, warn, info, debug); -1 if unknown. */
int sd_log_set_level(const char *name);
void sd_log(int level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* (Re)opens the access log: "" = off, "-" = stderr, else a file opened for appending.
 * Returns 0, or -1 with errno (the previous log stays in use then). */
int sd_access_log_open(const char *path);
/* Writes one line (a '\n' is added); a no-op when the access log is off. */
void sd_access_log_write(const char *line, unsigned long len);
void sd_access_log_close(void);

#endif
