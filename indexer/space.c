/* space.c: will the file system hold a full build?
 *
 * A full build (first run, --rebuild) writes its parts and then merges them into the new
 * build; the parts go only after the merge, so the peak is parts + merged build, beside
 * the live and previous builds, which stay. Running out of disk in the merge would waste
 * the whole run, so the run refuses at the start when the free space of the builds'
 * file system is below input bytes × index.space_ratio (the measured peak per input
 * byte, with a margin; docs/indexer.md "Disk space"). space_ratio = 0 (--no-space-check)
 * skips the check. */
#include "indexer.h"

#include <errno.h>
#include <string.h>
#include <sys/statvfs.h>

int ix_space_check(const ix_opts *o, const char *dir, unsigned long long input_bytes)
{
    double ratio = o->cfg->space_ratio;
    if (ratio <= 0) return 0;
    struct statvfs vfs;
    if (statvfs(dir, &vfs) != 0) {
        /* not knowing is no reason to refuse: the merge reports a full disk anyway */
        ix_log(o, 1, "cannot check the free disk space of %s: %s", dir, strerror(errno));
        return 0;
    }
    double avail = (double)vfs.f_bavail * (double)vfs.f_frsize;
    double need = (double)input_bytes * ratio;
    ix_log(o, 2, "disk: %.1f MB free in %s, this build needs about %.1f MB (%.1f MB of "
           "input x %g)", avail / 1e6, dir, need / 1e6, (double)input_bytes / 1e6, ratio);
    if (avail >= need) return 0;
    ix_log(o, 0, "not enough free disk in %s: %.1f MB free, a full build of %.1f MB of files "
           "needs about %.1f MB (%g times the input: parts and merged build side by side). "
           "Free some space, or use --no-space-check (index.space_ratio = 0) if you know "
           "better", dir, avail / 1e6, (double)input_bytes / 1e6, need / 1e6, ratio);
    return -1;
}
