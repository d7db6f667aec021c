// Addresses printed as sshd prints them: inet_ntop()'s text.
package dev.sftpd.log;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetAddress;
import java.net.UnknownHostException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AddressesTest {
    @ParameterizedTest(name = "{0} prints as {1}")
    @CsvSource({
        "192.0.2.10, 192.0.2.10",
        "2001:db8:0:0:0:0:0:1, 2001:db8::1",
        "0:0:0:0:0:0:0:1, ::1",
        "0:0:0:0:0:0:0:0, ::",
        "fe80:0:0:0:0:0:0:1, fe80::1",
        "2001:db8:0:0:1:0:0:1, 2001:db8::1:0:0:1",
        "2001:db8:0:1:0:0:0:1, 2001:db8:0:1::1",
        "2001:db8:1:2:3:4:5:6, 2001:db8:1:2:3:4:5:6",
        "2001:0:0:0:0:0:0:0, 2001::",
        "0:0:0:0:0:0:c000:20a, ::192.0.2.10",
    })
    void printsAddressesAsInetNtop(String address, String text) throws UnknownHostException {
        assertEquals(text, Addresses.text(InetAddress.getByName(address)));
    }
}
