// What the SSH transport takes from the daemon's configuration.
package dev.sftpd.transport;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * @param rekeyBytes 0 for the cipher's default
 * @param rekeyTime empty for no time-based rekeying
 * @param methods the authentication methods offered, in sshd's order
 * @param authenticationMethods AuthenticationMethods lists; empty means any single method
 * @param maxSessions MaxSessions: channels open at once
 * @param loginGraceTime zero for none
 * @param clientAliveInterval zero for no keepalive requests
 * @param versionAddendum appended to the identification line after a space, if present
 */
record TransportSettings(List<String> ciphers, List<String> macs, List<String> kexAlgorithms,
                      List<String> hostKeyAlgorithms, long rekeyBytes, Optional<Duration> rekeyTime,
                      List<String> methods, List<List<String>> authenticationMethods, int maxAuthTries,
                      int maxSessions, Duration loginGraceTime, Duration clientAliveInterval,
                      int clientAliveCountMax, Optional<String> versionAddendum) {}
