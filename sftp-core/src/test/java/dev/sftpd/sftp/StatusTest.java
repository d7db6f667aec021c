// errno_to_portable() mapping and the status texts OpenSSH clients display.
package dev.sftpd.sftp;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class StatusTest {
    @ParameterizedTest(name = "errno {0} -> {1}")
    @CsvSource({
        "0, OK", "2, NO_SUCH_FILE", "20, NO_SUCH_FILE", "9, NO_SUCH_FILE", "40, NO_SUCH_FILE",
        "1, PERMISSION_DENIED", "13, PERMISSION_DENIED", "14, PERMISSION_DENIED",
        "36, BAD_MESSAGE", "22, BAD_MESSAGE", "38, OP_UNSUPPORTED",
        "17, FAILURE", "28, FAILURE", "39, FAILURE", "18, FAILURE", "5, FAILURE"
    })
    void mapsErrnoLikeSftpServer(int errno, Status expected) {
        assertEquals(expected, Status.fromErrno(errno));
    }

    @ParameterizedTest(name = "{0} is code {1}: {2}")
    @CsvSource({
        "OK, 0, Success", "EOF, 1, End of file", "NO_SUCH_FILE, 2, No such file",
        "PERMISSION_DENIED, 3, Permission denied", "FAILURE, 4, Failure", "BAD_MESSAGE, 5, Bad message",
        "OP_UNSUPPORTED, 8, Operation unsupported"
    })
    void codesAndMessagesAreThoseOfTheDraft(Status status, int code, String message) {
        assertEquals(code, status.code());
        assertEquals(message, status.message);
    }
}
