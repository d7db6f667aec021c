// Lines for syslogd in the exact form glibc's syslog(3) sends them, so they are filed like OpenSSH's.
package dev.sftpd.log;

import java.nio.charset.StandardCharsets;
import java.time.LocalDateTime;
import java.util.Locale;

final class SyslogSink implements LogSink {
    // strftime's %h in the C locale, whatever the JVM's locale data says.
    private static final String[] MONTHS = {
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

    private final String ident;
    private final SyslogFacility facility;
    private final long pid = ProcessHandle.current().pid();
    private final SyslogSocket socket;

    SyslogSink(String ident, SyslogFacility facility, String socketPath) {
        this.ident = ident;
        this.facility = facility;
        this.socket = new SyslogSocket(socketPath);
    }

    @Override
    public void write(LogLevel level, String text) {
        socket.send(line(level, text, LocalDateTime.now()).getBytes(StandardCharsets.ISO_8859_1));
    }

    @Override
    public void close() {
        socket.close();
    }

    /** "<PRI>%h %e %T ident[pid]: message", as openlog(ident, LOG_PID, facility) makes it. */
    String line(LogLevel level, String text, LocalDateTime time) {
        return String.format(Locale.ROOT, "<%d>%s %2d %02d:%02d:%02d %s[%d]: %s%s",
                facility.code() | level.priority(), MONTHS[time.getMonthValue() - 1], time.getDayOfMonth(),
                time.getHour(), time.getMinute(), time.getSecond(), ident, pid, level.prefix(false), text);
    }
}
