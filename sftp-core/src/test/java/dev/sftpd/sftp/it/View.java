package dev.sftpd.sftp.it;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How one server's replies are shown for comparison: its own fixture root becomes {@code <ROOT>} (and the
 * root's parent {@code <ROOT>/..}), and times from the run itself become {@code <run>}. The fixture's
 * times are set explicitly years in the past and scripts set only past or far-future times, so a time
 * within the run's window was made by the run and legitimately differs between the two servers' runs.
 */
record View(String root, String parent, long runStart, long runEnd) {
    /** OpenSSH's ls_file: "%s %3u %-*s %-*s %8llu %s %s" with a 12-character strftime date. */
    private static final Pattern LONG_NAME =
            Pattern.compile("^(\\S+ +\\d+ +\\S+ +\\S+ +\\d+ )(.{12})( .*)$", Pattern.DOTALL);

    String time(long t) {
        return isRunTime(t) ? "<run>" : Long.toString(t);
    }

    private boolean isRunTime(long t) {
        return t >= runStart && t < runEnd;
    }

    String text(String s) {
        return s.replace(root, "<ROOT>").replace(parent, "<ROOT>/..");
    }

    /** The date column of a long name made during the run is replaced like the mtime it shows. */
    String longName(String longName, Attrs attrs) {
        if ((attrs.flags() & Attrs.ACMODTIME) == 0 || !isRunTime(attrs.mtime())) {
            return longName;
        }
        Matcher m = LONG_NAME.matcher(longName);
        return m.matches() ? m.group(1) + "<run>      " + m.group(3) : longName;
    }
}
