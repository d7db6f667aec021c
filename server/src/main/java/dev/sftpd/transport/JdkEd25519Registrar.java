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
 * transport lists only the JDK's providers: {@link SunJCESecurityProviderRegistrar} as MINA has
 * it, and this one, which claims no algorithm (the JDK's defaults serve every request) and gives
 * MINA its Ed25519 key handling on SunEC's keys ({@link JdkEd25519}).
 */
public final class JdkEd25519Registrar extends AbstractSecurityProviderRegistrar {
    private static final String PROVIDER = "SunEC";

    public JdkEd25519Registrar() {
        super("JdkEd25519");
    }

    /**
     * Makes these the JVM's registrars. MINA reads the list once, on its first use of a security
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
