// The client as sshd's host checks see it: its address and, with UseDNS yes, its verified name.
package dev.sftpd.monitor.auth;

import dev.sftpd.log.Addresses;
import java.net.InetAddress;

/**
 * @param host what sshd's remote_hostname() gives: the reverse name that maps back to the address
 *             (lower case), or the address text (always, with UseDNS no)
 */
public record Client(InetAddress address, String host) {
    /** UseDNS no: the address is the host name too, and nothing is looked up. */
    public static Client of(InetAddress address) {
        return new Client(address, Addresses.text(address));
    }

    public String addressText() {
        return Addresses.text(address);
    }
}
