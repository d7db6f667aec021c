// sftp-server's command line (getopt "d:f:l:P:p:Q:u:cehR"), shared by the stdio program and internal-sftp.
package dev.sftpd.sftp;

import dev.sftpd.log.LogLevel;
import dev.sftpd.log.SshLog;
import dev.sftpd.log.SyslogFacility;
import java.util.Optional;

public final class ServerFlags {
    private static final SshLog log = SshLog.get(ServerFlags.class);
    private static final String WITH_ARGUMENT = "dflPpQu";
    private static final String WITHOUT_ARGUMENT = "cehR";

    /** The parsed flags; queryRequests is -Q requests (print the request names and exit). */
    public record Parsed(ServerOptions options, boolean queryRequests) {}

    /** A command line that cannot run: the message goes to stderr and the program exits with exitCode. */
    public static final class FlagException extends Exception {
        private final int exitCode;
        private final boolean showUsage;

        FlagException(String message, int exitCode, boolean showUsage) {
            super(message, null, false, false);
            this.exitCode = exitCode;
            this.showUsage = showUsage;
        }

        public int exitCode() {
            return exitCode;
        }

        public boolean showUsage() {
            return showUsage;
        }
    }

    private ServerFlags() {}

    public static String usage(String program) {
        return "usage: " + program + " [-ehR] [-d start_directory] [-f log_facility] [-l log_level]\n"
                + "\t[-P denied_requests] [-p allowed_requests] [-u umask]\n"
                + "       " + program + " -Q protocol_feature\n";
    }

    public static Parsed parse(String program, String... args) throws FlagException {
        ServerOptions o = ServerOptions.DEFAULTS;
        boolean readOnly = false, stderr = false, query = false;
        Optional<MatchList> allowed = Optional.empty(), denied = Optional.empty();
        Optional<String> startDir = Optional.empty();
        Optional<Integer> umask = Optional.empty();
        Optional<LogLevel> level = Optional.of(o.logLevel());
        Optional<SyslogFacility> facility = Optional.of(o.facility());

        args:
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("--")) {
                break;
            }
            if (arg.length() < 2 || arg.charAt(0) != '-') {
                break;
            }
            for (int j = 1; j < arg.length(); j++) {
                char c = arg.charAt(j);
                String value = null;
                if (WITH_ARGUMENT.indexOf(c) >= 0) {
                    if (j + 1 < arg.length()) {
                        value = arg.substring(j + 1);
                    } else if (i + 1 < args.length) {
                        value = args[++i];
                    } else {
                        throw new FlagException(program + ": option requires an argument -- " + c, 1, true);
                    }
                } else if (WITHOUT_ARGUMENT.indexOf(c) < 0) {
                    throw new FlagException(program + ": unknown option -- " + c, 1, true);
                }
                switch (c) {
                    case 'Q' -> {
                        if (!value.equalsIgnoreCase("requests")) {
                            throw new FlagException("Invalid query type", 1, false);
                        }
                        query = true;
                    }
                    case 'R' -> readOnly = true;
                    case 'c' -> {
                        // sftp-server stops reading flags here (it may be run as a login shell's "-c").
                        break args;
                    }
                    case 'e' -> stderr = true;
                    case 'l' -> {
                        level = LogLevel.parse(value);
                        if (level.isEmpty()) {
                            log.error("Invalid log level \"%s\"", value);
                        }
                    }
                    case 'f' -> {
                        facility = SyslogFacility.parse(value);
                        if (facility.isEmpty()) {
                            log.error("Invalid log facility \"%s\"", value);
                        }
                    }
                    case 'd' -> startDir = Optional.of(value);
                    case 'p' -> {
                        if (allowed.isPresent()) {
                            throw new FlagException("Permitted requests already set", 255, false);
                        }
                        allowed = Optional.of(MatchList.parse(value));
                    }
                    case 'P' -> {
                        if (denied.isPresent()) {
                            throw new FlagException("Refused requests already set", 255, false);
                        }
                        denied = Optional.of(MatchList.parse(value));
                    }
                    case 'u' -> umask = Optional.of(parseUmask(value));
                    default -> throw new FlagException("", 1, true); // -h
                }
                if (value != null) {
                    continue args;
                }
            }
        }
        // As log_init(): a bad level is fatal, a bad facility only when logging to syslog.
        if (level.isEmpty()) {
            throw new FlagException("Unrecognized internal syslog level code -1", 1, false);
        }
        if (facility.isEmpty() && !stderr) {
            throw new FlagException("Unrecognized internal syslog facility code -1", 1, false);
        }
        return new Parsed(new ServerOptions(readOnly, allowed, denied, startDir, umask, level.get(),
                facility.orElse(o.facility()), stderr, o.quirks()), query);
    }

    /** An octal mode from 0 to 0777 and nothing else, as sftp-server's strtol check. */
    static int parseUmask(String value) throws FlagException {
        if (!value.matches("[+]?[0-7]+")) {
            throw new FlagException("Invalid umask \"" + value + "\"", 255, false);
        }
        try {
            int mask = Integer.parseInt(value, 8);
            if (mask <= 0777) {
                return mask;
            }
        } catch (NumberFormatException tooLong) {
            // Falls through to the same complaint as any other out-of-range value.
        }
        throw new FlagException("Invalid umask \"" + value + "\"", 255, false);
    }

    /** The request names -Q requests prints, one per line, in the table's (OpenSSH's) order. */
    public static String requestNames() {
        StringBuilder b = new StringBuilder();
        RequestTable.HANDLERS.forEach(h -> b.append(h.name()).append('\n'));
        return b.toString();
    }
}
