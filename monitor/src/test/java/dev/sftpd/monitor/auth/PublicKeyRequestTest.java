// Specifies the signed data of a publickey request (RFC 4252 section 7), built and parsed by the monitor.
package dev.sftpd.monitor.auth;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.util.Arrays;
import org.apache.sshd.common.util.buffer.Buffer;
import org.apache.sshd.common.util.buffer.ByteArrayBuffer;
import org.apache.sshd.common.util.security.SecurityUtils;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class PublicKeyRequestTest {
    private static final byte[] SESSION_ID = new byte[32];
    static byte[] keyBlob;
    static KeyPair pair;

    @BeforeAll
    static void key() throws Exception {
        Arrays.fill(SESSION_ID, (byte) 7);
        pair = SecurityUtils.getKeyPairGenerator(SecurityUtils.ED25519).generateKeyPair();
        Buffer b = new ByteArrayBuffer();
        b.putRawPublicKey(pair.getPublic());
        keyBlob = b.getCompactData();
    }

    private static PublicKeyRequest request() {
        return new PublicKeyRequest(SESSION_ID, "alice", PublicKeyRequest.CONNECTION_SERVICE, "ssh-ed25519", keyBlob);
    }

    @Test
    void signedDataIsLaidOutAsRfc4252Says() {
        Buffer expected = new ByteArrayBuffer();
        expected.putBytes(SESSION_ID);
        expected.putByte((byte) 50);
        expected.putString("alice");
        expected.putString("ssh-connection");
        expected.putString("publickey");
        expected.putBoolean(true);
        expected.putString("ssh-ed25519");
        expected.putBytes(keyBlob);
        assertArrayEquals(expected.getCompactData(), request().signedData());
    }

    @Test
    void parseReturnsThePartsSignedDataWasBuiltFrom() {
        PublicKeyRequest parsed = PublicKeyRequest.parse(request().signedData());
        assertArrayEquals(SESSION_ID, parsed.sessionId());
        assertEquals("alice", parsed.user());
        assertEquals("ssh-connection", parsed.service());
        assertEquals("ssh-ed25519", parsed.algorithm());
        assertArrayEquals(keyBlob, parsed.keyBlob());
        assertArrayEquals(request().signedData(), parsed.signedData());
    }

    @Test
    void publicKeyDecodesTheBlobForItsAlgorithm() {
        assertEquals(Keys.fingerprint(pair.getPublic()), Keys.fingerprint(request().publicKey()));
        PublicKeyRequest mismatched = new PublicKeyRequest(SESSION_ID, "alice", "ssh-connection", "rsa-sha2-512", keyBlob);
        assertThrows(IllegalArgumentException.class, mismatched::publicKey);
    }

    @Test
    void refusesGarbage() {
        assertThrows(IllegalArgumentException.class, () -> PublicKeyRequest.parse(new byte[0]));
        assertThrows(IllegalArgumentException.class,
                () -> PublicKeyRequest.parse("not a request at all".getBytes(StandardCharsets.UTF_8)));
        assertThrows(IllegalArgumentException.class,
                () -> PublicKeyRequest.parse(new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff}));
    }

    @Test
    void refusesTruncatedOrExtendedData() {
        byte[] data = request().signedData();
        for (int len = 0; len < data.length; len++) {
            byte[] cut = Arrays.copyOf(data, len);
            assertThrows(IllegalArgumentException.class, () -> PublicKeyRequest.parse(cut), "cut at " + len);
        }
        assertThrows(IllegalArgumentException.class, () -> PublicKeyRequest.parse(Arrays.copyOf(data, data.length + 1)));
    }

    @Test
    void refusesAnythingButASignedPublickeyUserauthRequest() {
        assertThrows(IllegalArgumentException.class, () -> PublicKeyRequest.parse(build(51, "publickey", true, "alice")));
        assertThrows(IllegalArgumentException.class, () -> PublicKeyRequest.parse(build(50, "password", true, "alice")));
        assertThrows(IllegalArgumentException.class, () -> PublicKeyRequest.parse(build(50, "publickey", false, "alice")));
    }

    @Test
    void refusesAUserNameThatIsNotUtf8() {
        byte[] data = build(50, "publickey", true, "al\u00efce");
        // The two UTF-8 bytes of the diaeresis become one stray continuation byte and one 'x'.
        int at = SESSION_ID.length + 4 + 1 + 4 + 2;
        data[at] = (byte) 0x8f;
        data[at + 1] = 'x';
        assertThrows(IllegalArgumentException.class, () -> PublicKeyRequest.parse(data));
    }

    private static byte[] build(int type, String method, boolean signed, String user) {
        Buffer b = new ByteArrayBuffer();
        b.putBytes(SESSION_ID);
        b.putByte((byte) type);
        b.putString(user);
        b.putString("ssh-connection");
        b.putString(method);
        b.putBoolean(signed);
        b.putString("ssh-ed25519");
        b.putBytes(keyBlob);
        return b.getCompactData();
    }
}
