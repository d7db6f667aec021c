// Fuzz target: the first bytes of a connection from a trusted load balancer, read as a PROXY protocol header.
package dev.sftpd.server;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * The input is what the monitor reads from the client socket, handed out in reads of varying
 * sizes as a socket does. {@link ProxyHeaderTest#parse} checks what must hold: a header or
 * {@link ProxyHeader.Refused}, nothing else thrown, and no read past the header's limit or the
 * input's end.
 */
class ProxyHeaderFuzzTest {
    @FuzzTest(maxDuration = "60s")
    void header(byte[] input) {
        ProxyHeaderTest.parse(input, new SplittableRandom(Arrays.hashCode(input)));
    }
}
