// Where login records go: the system's utmp, wtmp and lastlog, or files of a test's own.
package dev.sftpd.monitor.login;

import java.nio.file.Path;

/** Paths are given to glibc as they are; a missing file is created by {@link LoginRecorder}. */
public record LoginFiles(Path utmp, Path wtmp, Path lastlog) {
    /** glibc's _PATH_UTMP, _PATH_WTMP and _PATH_LASTLOG: what who, last and lastlog read. */
    public static final LoginFiles SYSTEM =
            new LoginFiles(Path.of("/var/run/utmp"), Path.of("/var/log/wtmp"), Path.of("/var/log/lastlog"));
}
