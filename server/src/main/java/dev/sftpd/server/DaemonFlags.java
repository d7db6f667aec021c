// sftpd's command line: sshd's flags (-D -e -d -f -p -h -o -t -T -C), and ssh's -O and -S for the control socket.
package dev.sftpd.server;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * @param debug how many -d were given (debug1..3; logs to stderr, stays in the foreground)
 * @param mode RUN, or TEST (-t: check and exit) or DUMP (-T: print the effective configuration), or
 *     CONTROL (-O: send a running daemon a request on its control socket)
 * @param connection -C: the connection (user=,host=,addr=,laddr=,lport=,rdomain=) whose Match blocks -T applies
 * @param controlCommand -O's command: check, exit, stop, sessions or restart
 * @param controlSocket -S: the control socket to use instead of the configuration's ControlSocket
 */
record DaemonFlags(boolean foreground, boolean logToStderr, int debug, Path configFile, List<Integer> ports,
                   List<Path> hostKeys, List<String> overrides, Mode mode, Optional<String> connection,
                   String controlCommand, Optional<Path> controlSocket) {
    enum Mode { RUN, TEST, DUMP, CONTROL }

    static final Path DEFAULT_CONFIG = Path.of("/etc/sftpd/sftpd_config");
    static final String USAGE = "usage: sftpd [-DdeTt] [-C connection_spec] [-f config_file] [-h host_key_file]\n"
            + "             [-o option] [-p port]\n"
            + "       sftpd -O check|exit|stop|sessions|restart [-f config_file] [-S control_socket]\n";

    static final class UsageException extends Exception {
        UsageException(String message) {
            super(message, null, false, false);
        }
    }

    static DaemonFlags parse(String... args) throws UsageException {
        boolean foreground = false, stderr = false;
        int debug = 0;
        Path config = DEFAULT_CONFIG;
        List<Integer> ports = new ArrayList<>();
        List<Path> hostKeys = new ArrayList<>();
        List<String> overrides = new ArrayList<>();
        Mode mode = Mode.RUN;
        Optional<String> connection = Optional.empty();
        String controlCommand = null;
        Optional<Path> controlSocket = Optional.empty();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.length() < 2 || arg.charAt(0) != '-') {
                throw new UsageException("sftpd: unexpected argument \"" + arg + "\"");
            }
            for (int j = 1; j < arg.length(); j++) {
                char c = arg.charAt(j);
                switch (c) {
                    case 'D' -> foreground = true;
                    case 'e' -> stderr = true;
                    case 'd' -> debug = Math.min(debug + 1, 3);
                    case 't' -> mode = Mode.TEST;
                    case 'T' -> mode = Mode.DUMP;
                    case 'f', 'p', 'h', 'o', 'C', 'O', 'S' -> {
                        String value;
                        if (j + 1 < arg.length()) {
                            value = arg.substring(j + 1);
                        } else if (i + 1 < args.length) {
                            value = args[++i];
                        } else {
                            throw new UsageException("sftpd: option requires an argument -- " + c);
                        }
                        switch (c) {
                            case 'f' -> config = Path.of(value);
                            case 'h' -> hostKeys.add(Path.of(value));
                            case 'o' -> overrides.add(value);
                            case 'C' -> connection = Optional.of(value);
                            case 'O' -> {
                                if (!ControlClient.COMMANDS.contains(value)) {
                                    throw new UsageException("sftpd: Invalid multiplex command.");
                                }
                                controlCommand = value;
                                mode = Mode.CONTROL;
                            }
                            case 'S' -> controlSocket = Optional.of(Path.of(value));
                            default -> ports.add(port(value));
                        }
                        j = arg.length();
                    }
                    default -> throw new UsageException("sftpd: unknown option -- " + c);
                }
            }
        }
        if (connection.isPresent() && mode != Mode.DUMP) {
            throw new UsageException("Config test connection parameter (-C) provided without test mode (-T)");
        }
        return new DaemonFlags(foreground || debug > 0, stderr || debug > 0, debug, config, ports, hostKeys,
                overrides, mode, connection, controlCommand, controlSocket);
    }

    private static int port(String value) throws UsageException {
        try {
            int p = Integer.parseInt(value);
            if (p > 0 && p <= 65535) {
                return p;
            }
        } catch (NumberFormatException e) {
            // Reported below with the same wording as any other bad port.
        }
        throw new UsageException("sftpd: Bad port number.");
    }
}
