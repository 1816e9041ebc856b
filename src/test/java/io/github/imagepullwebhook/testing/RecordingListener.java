package io.github.imagepullwebhook.testing;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A loopback listener that records every connection it receives: the stand-in for an internal
 * service a hostile registry could aim the webhook at (a metadata endpoint, a token service, a
 * port to scan). Each connection gets one canned HTTP answer, so that a client that does
 * connect also gets whatever the internal service would have told it.
 *
 * <p>{@link #connections()} is exact without waiting for an arbitrary time: it first connects a
 * marker to itself and waits until the marker is accepted. The kernel hands over connections
 * in the order they were established, so every connection made before the call is counted.
 */
public final class RecordingListener implements AutoCloseable {

    private final ServerSocket socket;
    private final String answer;
    private final AtomicInteger accepted = new AtomicInteger();
    private final List<String> requests = new CopyOnWriteArrayList<>();
    private volatile int markerPort = -1;
    private volatile CountDownLatch markerSeen = new CountDownLatch(1);

    private RecordingListener(String answer) throws IOException {
        this.answer = answer;
        this.socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::accept, "recording-listener-" + socket.getLocalPort());
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** Answers every request with 200 and this JSON body, as an internal token service would. */
    public static RecordingListener answeringJson(String json) throws IOException {
        return new RecordingListener("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: "
                + json.getBytes(StandardCharsets.UTF_8).length + "\r\nConnection: close\r\n\r\n" + json);
    }

    public int port() {
        return socket.getLocalPort();
    }

    /** {@code 127.0.0.1:<port>}. */
    public String authority() {
        return "127.0.0.1:" + port();
    }

    /** Connections received so far (markers excluded), counted exactly; see the class comment. */
    public int connections() throws IOException, InterruptedException {
        CountDownLatch seen = new CountDownLatch(1);
        markerSeen = seen;
        try (Socket marker = new Socket()) {
            marker.bind(null);
            markerPort = marker.getLocalPort();
            marker.connect(socket.getLocalSocketAddress(), 5_000);
            if (!seen.await(10, TimeUnit.SECONDS)) {
                throw new IOException("the listener did not accept its own marker");
            }
        }
        return accepted.get();
    }

    /** Request lines and headers received, one string per connection that sent any. */
    public List<String> requests() {
        return List.copyOf(requests);
    }

    private void accept() {
        try {
            while (!socket.isClosed()) {
                Socket connection = socket.accept();
                if (connection.getPort() == markerPort) {
                    connection.close();
                    markerSeen.countDown();
                    continue;
                }
                accepted.incrementAndGet();
                Thread serving = new Thread(() -> serve(connection), "recording-listener-connection");
                serving.setDaemon(true);
                serving.start();
            }
        } catch (IOException closed) {
            // the test is over
        }
    }

    private void serve(Socket connection) {
        try (connection; InputStream in = connection.getInputStream()) {
            connection.setSoTimeout(5_000);
            requests.add(RawHttp.readHead(in));
            connection.getOutputStream().write(answer.getBytes(StandardCharsets.UTF_8));
            connection.getOutputStream().flush();
        } catch (IOException notHttp) {
            // TLS, or a client that gave up: the connection is counted all the same
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
