// UseDNS yes: the client's verified name, as OpenSSH's remote_hostname() finds it, through NSS.
package dev.sftpd.monitor.auth;

import dev.sftpd.log.SshLog;
import dev.sftpd.sftp.posix.Posix;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import jnr.ffi.LibraryLoader;
import jnr.ffi.annotations.In;
import jnr.ffi.annotations.Out;

/**
 * getnameinfo(NI_NAMEREQD) for the reverse name (so /etc/hosts counts, as nsswitch.conf says),
 * a name that reads as a numeric address refused, then getaddrinfo on the name, which must give
 * the address back. Anything short of that gives the address text, with sshd's log lines.
 */
public final class ClientName {
    private static final SshLog LOG = SshLog.get(ClientName.class);
    private static final int NI_MAXHOST = 1025;
    private static final int NI_NAMEREQD = 8;
    private static final int AF_INET = 2;
    private static final int AF_INET6 = 10;

    /** Public only because jnr-ffi implements it from another class loader. */
    public interface Functions {
        int getnameinfo(@In byte[] addr, int addrlen, @Out byte[] host, int hostlen, byte[] serv, int servlen,
                        int flags);
    }

    private ClientName() {}

    /**
     * The client with its verified name, looked up at most for {@code limit} (the connection's
     * LoginGraceTime, zero for none): a resolver that does not answer by then leaves the address text.
     */
    public static Client verified(InetAddress address, Duration limit) {
        CompletableFuture<Client> lookup = CompletableFuture.supplyAsync(() -> lookUp(address),
                r -> {
                    Thread t = new Thread(r, "usedns-" + Client.of(address).addressText());
                    t.setDaemon(true);
                    t.start();
                });
        try {
            // LoginGraceTime 0 is no limit, in sshd as here.
            return limit.isZero() ? lookup.get() : lookup.get(limit.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            LOG.info("reverse lookup of %s took longer than %d s, using the address", Client.of(address).addressText(),
                    limit.toSeconds());
        } catch (ExecutionException e) {
            LOG.error("reverse lookup of %s: %s", Client.of(address).addressText(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return Client.of(address);
    }

    /** remote_hostname(): the name when it maps back to the address, else the address text. */
    static Client lookUp(InetAddress address) {
        Client numeric = Client.of(address);
        String ip = numeric.addressText();
        LOG.verbose("UseDNS: looking up the name of %s", ip);
        byte[] host = new byte[NI_MAXHOST];
        byte[] sockaddr = sockaddr(address);
        if (Native.LIBC.getnameinfo(sockaddr, sockaddr.length, host, host.length, null, 0, NI_NAMEREQD) != 0) {
            LOG.debug1("IP address %s has no reverse name", ip);
            return numeric;
        }
        int end = 0;
        while (end < host.length && host[end] != 0) {
            end++;
        }
        String name = new String(host, 0, end, StandardCharsets.ISO_8859_1);
        if (HostPatterns.numericAddress(name).isPresent()) {
            LOG.error("Nasty PTR record \"%s\" is set up for %s, ignoring", name, ip);
            return numeric;
        }
        name = name.toLowerCase(Locale.ROOT);
        InetAddress[] forward;
        try {
            forward = InetAddress.getAllByName(name);
        } catch (UnknownHostException e) {
            LOG.info("reverse mapping checking getaddrinfo for %.700s [%s] failed.", name, ip);
            return numeric;
        }
        if (Arrays.stream(forward).noneMatch(address::equals)) {
            LOG.info("Address %.100s maps to %.600s, but this does not map back to the address.", ip, name);
            return numeric;
        }
        return new Client(address, name);
    }

    /** struct sockaddr_in or sockaddr_in6 in this machine's byte order for the family, port 0. */
    private static byte[] sockaddr(InetAddress address) {
        byte[] raw = address.getAddress();
        boolean v4 = address instanceof Inet4Address;
        byte[] sa = new byte[v4 ? 16 : 28];
        int family = v4 ? AF_INET : AF_INET6;
        // sa_family_t is host order (little-endian on the machines sftpd builds for).
        sa[0] = (byte) family;
        sa[1] = (byte) (family >> 8);
        System.arraycopy(raw, 0, sa, v4 ? 4 : 8, raw.length);
        return sa;
    }

    /** Loaded on the first lookup only: with UseDNS no this class never touches libc. */
    private static final class Native {
        static final Functions LIBC = LibraryLoader.create(Functions.class).load(Posix.LIBC);
    }
}
