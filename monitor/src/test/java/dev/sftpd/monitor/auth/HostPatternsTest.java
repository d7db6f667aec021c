// Specifies from="..." matching as OpenSSH's match_host_and_ip() does it: the address, and the name UseDNS yes found.
package dev.sftpd.monitor.auth;

import static dev.sftpd.monitor.auth.HostPatterns.Match.INVALID;
import static dev.sftpd.monitor.auth.HostPatterns.Match.NO;
import static dev.sftpd.monitor.auth.HostPatterns.Match.YES;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetAddress;
import java.net.UnknownHostException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class HostPatternsTest {
    @ParameterizedTest(name = "{0} against \"{1}\" is {2}")
    @CsvSource(delimiter = '|', value = {
        "192.0.2.10    | 192.0.2.10                   | YES",
        "192.0.2.11    | 192.0.2.10                   | NO",
        "192.0.2.10    | 203.0.113.5,192.0.2.10       | YES",
        "192.0.2.10    | 192.0.2.*                    | YES",
        "192.0.2.10    | 192.0.?.10                   | YES",
        "192.0.20.10   | 192.0.2.*                    | NO",
        "198.51.100.77 | 198.51.100.0/24              | YES",
        "198.51.101.1  | 198.51.100.0/24              | NO",
        "10.1.2.3      | 10.0.0.0/8                   | YES",
        "10.1.2.3      | 0.0.0.0/0                    | YES",
        "192.0.2.10    | 192.0.2.10/32                | YES",
        "2001:db8:1::5 | 2001:db8::/32                | YES",
        "2001:db9::1   | 2001:db8::/32                | NO",
        "2001:db8::17  | 2001:db8::*                  | YES",
        "2001:db8::17  | 2001:DB8::17                 | YES",
        "::1           | ::1                          | YES",
        "192.0.2.10    | 2001:db8::/32                | NO",
        "2001:db8::1   | 192.0.2.0/24                 | NO",
        "192.0.2.66    | !192.0.2.66,192.0.2.0/24     | NO",
        "192.0.2.65    | !192.0.2.66,192.0.2.0/24     | YES",
        "192.0.2.65    | 192.0.2.0/24,!192.0.2.6?     | NO",
        "192.0.2.65    | !192.0.2.66                  | NO",
        "192.0.2.65    | !10.0.0.0/8,*                | YES",
        "10.9.9.9      | !10.0.0.0/8,*                | NO",
        "192.0.2.10    | 192.0.2.10/24                | INVALID",
        "192.0.2.10    | 192.0.2.0/33                 | INVALID",
        "192.0.2.10    | 192.0.2.10,                  | INVALID",
        "192.0.2.10    | 192.0.2.10,!                 | INVALID",
        "192.0.2.10    | host.example.com             | NO",
        "192.0.2.10    | 192.0.2.0/x                  | NO",
        "192.0.2.10    | .:1,::g,1:2                  | NO",
        "192.0.2.10    | 010.0.0.0/8                  | NO",
    })
    void matches(String client, String patterns, HostPatterns.Match expected) throws UnknownHostException {
        assertEquals(expected, HostPatterns.match(Client.of(InetAddress.getByName(client)), patterns));
    }

    @ParameterizedTest(name = "{0} named {1} against \"{2}\" is {3}")
    @CsvSource(delimiter = '|', value = {
        "127.0.0.1  | localhost        | localhost          | YES",
        "127.0.0.1  | localhost        | LOCALHOST          | YES",
        "127.0.0.1  | localhost        | local*             | YES",
        "127.0.0.1  | localhost        | 127.0.0.1          | YES",
        "127.0.0.1  | localhost        | !localhost,127.*   | NO",
        "127.0.0.1  | localhost        | other.example      | NO",
        "127.0.0.1  | 127.0.0.1        | localhost          | NO",
    })
    void aNameMatchesWhereTheAddressWouldToo(String address, String host, String patterns, HostPatterns.Match expected)
            throws UnknownHostException {
        assertEquals(expected, HostPatterns.match(new Client(InetAddress.getByName(address), host), patterns));
    }

    @ParameterizedTest(name = "{0} in CIDR list \"{1}\" is {2}")
    @CsvSource(delimiter = '|', value = {
        "10.0.0.5      | 10.0.0.5                     | YES",
        "10.0.0.6      | 10.0.0.5                     | NO",
        "10.0.8.77     | 10.0.0.5,10.0.8.0/24         | YES",
        "2001:db8::5   | 10.0.0.5,2001:db8::/32       | YES",
        "10.0.0.5      | 2001:db8::/32                | NO",
        "10.0.0.5      | 10.0.0.*                     | INVALID",
        "10.0.0.5      | !10.0.0.6,10.0.0.5           | INVALID",
        "10.0.0.5      | *                            | INVALID",
        "10.0.0.5      | 10.0.0.5/8                   | INVALID",
        "10.0.0.5      | 10.0.0.5,                    | INVALID",
        "10.0.0.5      | lb.example.com               | INVALID",
    })
    void cidrListsTakeAddressesAndBlocksOnly(String client, String list, HostPatterns.Match expected)
            throws UnknownHostException {
        assertEquals(expected, HostPatterns.cidrList(InetAddress.getByName(client), list));
        assertEquals(expected == INVALID ? INVALID : NO, HostPatterns.cidrList(null, list), "the list checked alone");
    }

    @ParameterizedTest(name = "\"{0}\" is {1}")
    @CsvSource(delimiter = '|', value = {
        "192.0.2.7        | 192.0.2.7",
        "2001:db8::7      | 2001:db8:0:0:0:0:0:7",
        "::ffff:192.0.2.7 | 192.0.2.7",
        "192.0.2.07       | ''",
        "192.0.2          | ''",
        "localhost        | ''",
        "256.0.0.1        | ''",
        "2001:db8::g      | ''",
    })
    void numericAddressesAreReadWithoutLookingAnythingUp(String text, String expected) {
        assertEquals(expected, HostPatterns.numericAddress(text).map(InetAddress::getHostAddress).orElse(""));
    }
}
