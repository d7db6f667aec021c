// Which proposal two KEXINITs share nothing in, and how sshd names it in "Unable to negotiate".
package dev.sftpd.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import org.apache.sshd.common.kex.KexProposalOption;
import org.junit.jupiter.api.Test;

class PreauthSessionTest {
    @Test
    void theFirstProposalWithNoCommonNameIsTheOneReported() {
        Map<KexProposalOption, String> client = proposal("curve25519-sha256,ext-info-c", "aes256-ctr");
        Map<KexProposalOption, String> server = proposal("curve25519-sha256,ext-info-s", "aes128-ctr");

        Optional<KexProposalOption> unmatched = PreauthSession.unmatched(client, server);

        assertEquals(Optional.of(KexProposalOption.C2SENC), unmatched);
        assertEquals("cipher", PreauthSession.what(unmatched.get()));
    }

    @Test
    void noKexMethodInCommonIsReportedBeforeAnythingElse() {
        Map<KexProposalOption, String> client = proposal("ecdh-sha2-nistp256,ext-info-c", "aes256-ctr");
        Map<KexProposalOption, String> server = proposal("curve25519-sha256,ext-info-s", "aes128-ctr");

        assertEquals(Optional.of(KexProposalOption.ALGORITHMS), PreauthSession.unmatched(client, server));
        assertEquals("key exchange method", PreauthSession.what(KexProposalOption.ALGORITHMS));
    }

    @Test
    void languagesNeedNotMatch() {
        Map<KexProposalOption, String> client = proposal("curve25519-sha256", "aes128-ctr");
        Map<KexProposalOption, String> server = proposal("curve25519-sha256", "aes128-ctr");
        client.put(KexProposalOption.C2SLANG, "en");

        assertEquals(Optional.empty(), PreauthSession.unmatched(client, server));
    }

    private static Map<KexProposalOption, String> proposal(String kex, String ciphers) {
        Map<KexProposalOption, String> p = new EnumMap<>(KexProposalOption.class);
        p.put(KexProposalOption.ALGORITHMS, kex);
        p.put(KexProposalOption.SERVERKEYS, "ssh-ed25519");
        p.put(KexProposalOption.C2SENC, ciphers);
        p.put(KexProposalOption.S2CENC, ciphers);
        p.put(KexProposalOption.C2SMAC, "hmac-sha2-256");
        p.put(KexProposalOption.S2CMAC, "hmac-sha2-256");
        p.put(KexProposalOption.C2SCOMP, "none");
        p.put(KexProposalOption.S2CCOMP, "none");
        return p;
    }
}
