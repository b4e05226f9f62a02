/* log.c: see log.h. */
#include "log.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* Process-wide by nature (stderr is too); written once at start and on SIGHUP. */
static volatile int log_level = SD_LOG_INFO;
static pthread_mutex_t access_lock = PTHREAD_MUTEX_INITIALIZER;
static int access_fd = -1;

int sd_log_set_level(const char *name)
{
    static const struct {
        const char *name;
        int level;
    } names[] = {{"error", SD_LOG_ERROR},
                 {"warn", SD_LOG_WARN},
                 {"warning", SD_LOG_WARN},
                 {"info", SD_LOG_INFO},
                 {"debug", SD_LOG_DEBUG}};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (name && strcmp(name, names[i].name) == 0) {
            log_level = names[i].level;
            return names[i].level;
        }
    return -1;
}

void sd_log(int level, const char *fmt, ...)
{
    if (level > log_level)
        return;
    char line[2048];
    int n;
    if (getenv("JOURNAL_STREAM")) {
        n = snprintf(line, sizeof line, "<%d>", level);
    } else {
        static const char *const names[] = {"", "", "", "error", "warn", "", "info", "debug"};
        struct timespec ts;
        struct tm tm;
        clock_gettime(CLOCK_REALTIME, &ts);
        gmtime_r(&ts.tv_sec, &tm);
        n = (int)strftime(line, sizeof line, "%Y-%m-%dT%H:%M:%SZ ", &tm);
        n += snprintf(line + n, sizeof line - (size_t)n, "%s: ",
                      level >= 0 && level <= 7 ? names[level] : "");
    }
    va_list ap;
    va_start(ap, fmt);
    int m = vsnprintf(line + n, sizeof line - (size_t)n - 1, fmt, ap);
    va_end(ap);
    size_t len = (size_t)n + (m < 0 ? 0 : (size_t)m);
    if (len > sizeof line - 2)
        len = sizeof line - 2;
    /* MHD's messages end with a newline already. */
    if (len == 0 || line[len - 1] != '\n')
        line[len++] = '\n';
    /* One write per line: lines from several threads never interleave. */
    ssize_t w = write(STDERR_FILENO, line, len);
    (void)w;
}

int sd_access_log_open(const char *path)
{
    int fd = -1;
    if (path && strcmp(path, "-") == 0) {
        fd = dup(STDERR_FILENO);
    } else if (path && *path) {
        fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    }
    if (path && *path && fd < 0)
        return -1;
    pthread_mutex_lock(&access_lock);
    int old = access_fd;
    access_fd = fd;
    pthread_mutex_unlock(&access_lock);
    if (old >= 0)
        close(old);
    return 0;
}

void sd_access_log_write(const char *line, unsigned long len)
{
    char buf[4096];
    if (len > sizeof buf - 1)
        len = sizeof buf - 1;
    memcpy(buf, line, len);
    buf[len++] = '\n';
    pthread_mutex_lock(&access_lock);
    if (access_fd >= 0) {
        ssize_t w = write(access_fd, buf, len);
        (void)w;
    }
    pthread_mutex_unlock(&access_lock);
}

void sd_access_log_close(void)
{
    sd_access_log_open("");
}
