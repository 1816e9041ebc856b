package io.github.imagepullwebhook.testing;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * HTTP/1.1 written by hand on an open socket, for tests that must control exactly when each
 * byte is sent (a review half-sent when shutdown begins, a connection kept across a
 * certificate rotation).
 */
public final class RawHttp {

    private static final Pattern CONTENT_LENGTH = Pattern.compile("(?i)content-length: (\\d+)");

    private RawHttp() {
    }

    /** Request line and headers of a {@code POST} with a JSON body of {@code length} bytes. */
    public static void writeHead(OutputStream out, String path, int length) throws IOException {
        out.write(("POST " + path + " HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: "
                + length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
    }

    /** One whole request. */
    public static void post(OutputStream out, String path, byte[] body) throws IOException {
        writeHead(out, path, body.length);
        out.write(body);
        out.flush();
    }

    /** Status line, headers and body of one response, as text. */
    public static String readResponse(InputStream in) throws IOException {
        String head = readHead(in);
        Matcher length = CONTENT_LENGTH.matcher(head);
        if (!length.find()) {
            throw new IOException("no Content-Length in: " + head);
        }
        return head + new String(in.readNBytes(Integer.parseInt(length.group(1))), StandardCharsets.UTF_8);
    }

    /** A request or status line and its headers, up to and including the blank line. */
    public static String readHead(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int c = in.read();
            if (c < 0) {
                throw new EOFException("connection closed after: " + head);
            }
            head.append((char) c);
        }
        return head.toString();
    }
}
