// "internal-sftp FLAGS", as Subsystem and ForceCommand name it: sftp-core's flags, kept as written for -T.
package dev.sftpd.server.config;

import dev.sftpd.sftp.ServerFlags;
import dev.sftpd.sftp.ServerOptions;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/** @param flags as written after internal-sftp, so that -T prints them back; options is what they mean */
public record InternalSftp(List<String> flags, ServerOptions options) {
    private static final String COMMAND = "internal-sftp";

    /** sshd has no default subsystem, but sftpd serves nothing else: without a Subsystem line, internal-sftp. */
    static final InternalSftp DEFAULT = new InternalSftp(List.of(), ServerOptions.DEFAULTS);
    static final Syntax<InternalSftp> SUBSYSTEM =
            Syntax.oneLine(InternalSftp::subsystem, sftp -> "sftp " + sftp.commandLine());
    static final Syntax<Optional<InternalSftp>> FORCE_COMMAND = Syntax.oneLine(InternalSftp::forceCommand,
            command -> command.map(InternalSftp::commandLine).orElse("none"));

    private String commandLine() {
        return Directive.join(Stream.concat(Stream.of(COMMAND), flags.stream()).toList());
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

    /** Only internal-sftp: any other command would need a shell or a process that sftpd does not spawn. */
    private static InternalSftp command(Directive d, List<String> command) throws ConfigException {
        if (!command.get(0).equals(COMMAND)) {
            throw d.error("\"" + command.get(0) + "\" is not supported: the only command is " + COMMAND);
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
        return new InternalSftp(flags, parsed.options());
    }
}
