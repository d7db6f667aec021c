// "internal-sftp FLAGS", as Subsystem and ForceCommand name it: sftp-core's flags, kept as written for -T.
package dev.sftpd.server.config;

import dev.sftpd.sftp.ServerFlags;
import dev.sftpd.sftp.ServerOptions;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * @param program internal-sftp, or the path of an external sftp-server as a stock sshd_config names it
 *     (/usr/lib/openssh/sftp-server): served by sftpd's own engine all the same, with the same flags
 * @param flags as written after the program, so that -T prints them back; options is what they mean
 */
public record InternalSftp(String program, List<String> flags, ServerOptions options) {
    private static final String COMMAND = "internal-sftp";
    private static final String EXTERNAL = "sftp-server";

    /** sshd has no default subsystem, but sftpd serves nothing else: without a Subsystem line, internal-sftp. */
    static final InternalSftp DEFAULT = new InternalSftp(COMMAND, List.of(), ServerOptions.DEFAULTS);
    static final Syntax<InternalSftp> SUBSYSTEM =
            Syntax.oneLine(InternalSftp::subsystem, sftp -> "sftp " + sftp.commandLine());
    static final Syntax<Optional<InternalSftp>> FORCE_COMMAND = Syntax.oneLine(InternalSftp::forceCommand,
            command -> command.map(InternalSftp::commandLine).orElse("none"));

    private String commandLine() {
        return Directive.join(Stream.concat(Stream.of(program), flags.stream()).toList());
    }

    /** Whether the line named an external sftp-server, which sftpd's own engine serves in its place. */
    public boolean external() {
        return !program.equals(COMMAND);
    }

    private static InternalSftp subsystem(Directive d) throws ConfigException {
        List<String> arguments = d.arguments(2, Integer.MAX_VALUE);
        String name = arguments.get(0);
        if (!name.equals("sftp")) {
            throw d.error("Subsystem \"" + name + "\" is not supported: sftpd serves only sftp");
        }
        return command(d, arguments.subList(1, arguments.size()));
    }

    private static Optional<InternalSftp> forceCommand(Directive d) throws ConfigException {
        List<String> arguments = d.arguments(1, Integer.MAX_VALUE);
        if (arguments.size() == 1 && Syntax.isNone(arguments.get(0))) {
            return Optional.empty();
        }
        return Optional.of(command(d, arguments));
    }

    /**
     * internal-sftp, or an absolute path to a program named sftp-server (OpenSSH's takes the same
     * flags): any other command would need a shell or a process that sftpd does not spawn.
     */
    private static InternalSftp command(Directive d, List<String> command) throws ConfigException {
        String program = command.get(0);
        boolean sftpServer = program.startsWith("/") && Path.of(program).getFileName() != null
                && Path.of(program).getFileName().toString().equals(EXTERNAL);
        if (!program.equals(COMMAND) && !sftpServer) {
            throw d.error("\"" + program + "\" is not supported: the only command is " + COMMAND
                    + " (or an sftp-server, which sftpd serves itself)");
        }
        List<String> flags = List.copyOf(command.subList(1, command.size()));
        ServerFlags.Parsed parsed;
        try {
            parsed = ServerFlags.parse(COMMAND, flags.toArray(String[]::new));
        } catch (ServerFlags.FlagException e) {
            // -h has no message of its own: its answer is the usage line.
            String why = e.getMessage().isEmpty() ? ServerFlags.usage(COMMAND).lines().findFirst().orElseThrow()
                    : e.getMessage();
            throw d.error(why.startsWith(COMMAND) ? why : COMMAND + ": " + why);
        }
        if (parsed.queryRequests()) {
            throw d.error(COMMAND + ": -Q lists requests and exits; it cannot serve a session");
        }
        return new InternalSftp(program, flags, parsed.options());
    }
}
