// What the transport tells MINA about its security providers: the JDK's, Ed25519 included, and never Bouncy Castle's.
package dev.sftpd.transport;

import java.security.Provider;
import java.security.Security;
import java.util.Optional;
import org.apache.sshd.common.util.security.AbstractSecurityProviderRegistrar;
import org.apache.sshd.common.util.security.SecurityUtils;
import org.apache.sshd.common.util.security.eddsa.generic.EdDSASupport;

/**
 * By default MINA registers Bouncy Castle's provider whenever bcprov is on the class path, and
 * takes its Ed25519 keys from it. Constructing that provider loads about 1,200 classes (85 ms of
 * a transport's start even from its class-data archive), and every class loaded while the
 * archive is trained is mapped, and relocated, in every transport. The transport needs none of
 * it: the JDK has Ed25519 (SunEC), the monitor holds the host keys and checks signatures, and the
 * post-quantum key exchanges use Bouncy Castle's lightweight classes, not its provider. So the
 * transport's only registrar is this one, which claims no algorithm (the JDK's providers serve
 * every request, in their configured order) and gives MINA its Ed25519 key handling on SunEC's
 * keys ({@link JdkEd25519}). Not MINA's SunJCE registrar as well: it asks for SunJCE by name,
 * which loads every provider configured before it, SunJSSE among them, in every transport.
 */
public final class JdkEd25519Registrar extends AbstractSecurityProviderRegistrar {
    private static final String PROVIDER = "SunEC";

    public JdkEd25519Registrar() {
        super("JdkEd25519");
    }

    /**
     * Makes this the JVM's only registrar, registered here rather than named for MINA to build by
     * reflection. MINA reads its registrar list ("none") once, on its first use of a security
     * provider, so this must run before anything builds a key, a cipher or a session.
     */
    public static void install() {
        System.setProperty(SecurityUtils.SECURITY_PROVIDER_REGISTRARS, "none");
        SecurityUtils.registerSecurityProvider(new JdkEd25519Registrar());
    }

    @Override
    public String getProviderName() {
        return PROVIDER;
    }

    @Override
    public boolean isNamedProviderUsed() {
        return false;
    }

    @Override
    public Provider getSecurityProvider() {
        return Security.getProvider(PROVIDER);
    }

    @Override
    public boolean isSupported() {
        return getSecurityProvider() != null;
    }

    /** None: what MINA asks for by name comes from the JDK's providers in their configured order. */
    @Override
    public String getDefaultSecurityEntitySupportValue(Class<?> entityType) {
        return "";
    }

    @Override
    public Optional<EdDSASupport<?, ?>> getEdDSASupport() {
        return isSupported() ? Optional.of(JdkEd25519.INSTANCE) : Optional.empty();
    }
}
