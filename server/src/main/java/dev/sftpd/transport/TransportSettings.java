// What the worker's SSH transport takes from the daemon's configuration.
package dev.sftpd.worker;

import dev.sftpd.sftp.ServerOptions;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * @param rekeyBytes 0 for the cipher's default
 * @param rekeyTime empty for no time-based rekeying
 * @param sftp the "Subsystem sftp internal-sftp" flags
 * @param forceCommand ForceCommand internal-sftp: every session request becomes sftp with these flags
 * @param methods the authentication methods offered, in sshd's order
 * @param authenticationMethods AuthenticationMethods lists; empty means any single method
 * @param loginGraceTime zero for none
 */
record WorkerSettings(List<String> ciphers, List<String> macs, List<String> kexAlgorithms,
                      List<String> hostKeyAlgorithms, long rekeyBytes, Optional<Duration> rekeyTime,
                      Optional<ServerOptions> sftp, Optional<ServerOptions> forceCommand, List<String> methods,
                      List<List<String>> authenticationMethods, int maxAuthTries, Duration loginGraceTime) {}
