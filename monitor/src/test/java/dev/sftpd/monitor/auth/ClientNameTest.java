// Specifies ClientName.lookUp() against this machine's NSS, where /etc/hosts names 127.0.0.1 "localhost" (Debian's default).
package dev.sftpd.monitor.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetAddress;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ClientNameTest {
    @Test
    void anAddressWhoseNameMapsBackGetsThatName() throws Exception {
        InetAddress loopback = InetAddress.getByName("127.0.0.1");

        assertEquals(new Client(loopback, "localhost"), ClientName.lookUp(loopback));
    }

    @Test
    void anAddressWithoutANameKeepsItsAddressText() throws Exception {
        // /etc/hosts names no other 127/8 address here; a resolver could, which the premise checks.
        InetAddress unnamed = InetAddress.getByName("127.0.0.77");
        assertEquals("127.0.0.77", unnamed.getCanonicalHostName());

        assertEquals(new Client(unnamed, "127.0.0.77"), ClientName.verified(unnamed, Duration.ofSeconds(30)));
    }
}
