// The configuration the monitor needs to decide what a session request runs (which sftp-server flags, or nothing) and which forwarding it allows.
package dev.sftpd.monitor;

import dev.sftpd.monitor.auth.Account;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * @param subsystemFlags the flags of "Subsystem sftp internal-sftp FLAGS"
 * @param forceCommandFlags ForceCommand internal-sftp's flags, if configured: every session runs them
 * @param logFlags what every engine logs like (-l LEVEL -f FACILITY, and -e when the daemon logs
 *     to stderr), before the request's own flags, which may override them
 * @param maxSessions MaxSessions: how many engines one connection may have running at once
 * @param chrootDirectory ChrootDirectory for an account, tokens expanded; empty for none
 * @param forwarding which direct-tcpip channels may be opened
 */
public record SessionSettings(List<String> subsystemFlags, Optional<List<String>> forceCommandFlags,
                              List<String> logFlags, int maxSessions,
                              Function<Account, Optional<Path>> chrootDirectory, Forwarding forwarding) {}
