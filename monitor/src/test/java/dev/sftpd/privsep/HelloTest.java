// HELLO, both ends: the settings, host keys and banner a transport decodes are what the monitor encoded; bad fields are violations.
package dev.sftpd.privsep;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sftpd.log.LogLevel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.apache.sshd.common.util.buffer.Buffer;
import org.apache.sshd.common.util.buffer.ByteArrayBuffer;
import org.junit.jupiter.api.Test;

class HelloTest {
    private static TransportSettings settings(int maxAuthTries, Optional<Duration> rekeyTime, Optional<String> addendum,
                                              List<List<String>> authenticationMethods) {
        return new TransportSettings(LogLevel.DEBUG2, List.of("chacha20-poly1305@openssh.com", "aes128-gcm@openssh.com"),
                List.of("hmac-sha2-256-etm@openssh.com"), List.of("sntrup761x25519-sha512@openssh.com", "curve25519-sha256"),
                List.of("ssh-ed25519"), 1L << 32, rekeyTime, List.of("publickey", "password"), authenticationMethods,
                maxAuthTries, 10, Duration.ofSeconds(120), Duration.ZERO, 3, addendum);
    }

    /** What MonitorCalls.hello() reads: the payload after its type byte. */
    private static MonitorCalls.Hello roundTrip(MonitorCalls.Hello hello) throws MonitorProtocolException {
        Buffer payload = hello.encode();
        assertEquals(MonitorMessage.HELLO, MonitorMessage.of(payload.getUByte()));
        return Packets.parse(payload, MonitorCalls.Hello::decode);
    }

    @Test
    void whatTheMonitorEncodesTheTransportDecodes() throws Exception {
        byte[] key = "a public key blob".getBytes(StandardCharsets.US_ASCII);
        for (TransportSettings s : List.of(
                settings(6, Optional.of(Duration.ofHours(1)), Optional.of("corp"),
                        List.of(List.of("publickey", "password"), List.of("keyboard-interactive"))),
                settings(0, Optional.empty(), Optional.empty(), List.of()),
                settings(1, Optional.of(Duration.ZERO), Optional.of(""), List.of(List.of("publickey"))))) {
            MonitorCalls.Hello decoded = roundTrip(new MonitorCalls.Hello(s, List.of(key), "Authorized use only.\n"));
            assertEquals(s, decoded.settings());
            assertEquals(1, decoded.hostKeyBlobs().size());
            assertArrayEquals(key, decoded.hostKeyBlobs().get(0));
            assertEquals("Authorized use only.\n", decoded.banner());
        }
    }

    /** A count below zero or a log level sshd does not have is no monitor's: the transport refuses the message. */
    @Test
    void impossibleFieldsAreViolations() {
        MonitorProtocolException e = assertThrows(MonitorProtocolException.class, () -> roundTrip(
                new MonitorCalls.Hello(settings(-1, Optional.empty(), Optional.empty(), List.of()), List.of(), "")));
        assertTrue(e.getMessage().contains("MaxAuthTries -1"), e.getMessage());

        Buffer payload = new MonitorCalls.Hello(settings(6, Optional.empty(), Optional.empty(), List.of()), List.of(), "")
                .encode();
        payload.getUByte();
        byte[] bytes = payload.getCompactData();
        // The log level is the first field: "DEBUG2" becomes "DEBUG9".
        bytes[4 + 5] = '9';
        MonitorProtocolException level = assertThrows(MonitorProtocolException.class,
                () -> Packets.parse(new ByteArrayBuffer(bytes), MonitorCalls.Hello::decode));
        assertTrue(level.getMessage().contains("log level DEBUG9"), level.getMessage());
    }
}
