package org.wsemail.desktop;

import java.awt.BorderLayout;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import javax.swing.JFrame;
import javax.swing.JScrollPane;
import javax.swing.JTextArea;
import javax.swing.JTextField;
import javax.swing.SwingWorker;
import javax.swing.Timer;
import javax.swing.WindowConstants;

import org.wsemail.api.Address;
import org.wsemail.client.ReadMessage;
import org.wsemail.client.WsemailClient;
import org.wsemail.client.WsemailException;
import org.wsemail.messaging.InstantMessages;

/**
 * Instant messages (the paper's Figure 12): while the main window is open this client is registered
 * with the server's instant-messaging plug-in and collects what is handed to it every second; each
 * message opens (or goes to) the conversation window with its sender, one line per message, marked
 * when its signature does not verify, with a field to answer in. Where the server has no
 * instant-messaging plug-in, nothing is registered and mail works as ever.
 */
final class Conversations {
    private static final Duration REGISTRATION = Duration.ofMinutes(2);

    private final WsemailClient client;
    private final InstantMessages messages;
    private final Map<Address, Window> windows = new ConcurrentHashMap<>();
    private final Timer poller;
    private String registered;
    private long renewAt;
    private boolean polling;

    Conversations(WsemailClient client) {
        this.client = client;
        this.messages = new InstantMessages(client);
        this.poller = new Timer(1000, event -> poll());
        this.poller.setInitialDelay(0);
    }

    void start() {
        poller.start();
    }

    void stop() {
        poller.stop();
        windows.values().forEach(JFrame::dispose);
        String leaving = registered;
        if (leaving != null) {
            new Thread(() -> {
                synchronized (client) {
                    try {
                        messages.unregister(leaving);
                    } catch (WsemailException e) {
                        // it expires by itself
                    }
                }
            }, "wsemail-gui-unregister").start();
        }
    }

    private void poll() {
        if (polling) {
            return;
        }
        polling = true;
        new SwingWorker<List<ReadMessage>, Void>() {
            @Override
            protected List<ReadMessage> doInBackground() throws Exception {
                synchronized (client) {
                    if (registered == null || System.nanoTime() > renewAt) {
                        registered = messages.register(REGISTRATION, registered, null).client();
                        renewAt = System.nanoTime() + REGISTRATION.toNanos() / 2;
                    }
                    return messages.poll(registered, Duration.ZERO);
                }
            }

            @Override
            protected void done() {
                polling = false;
                try {
                    for (ReadMessage message : get()) {
                        window(message.message().sender()).show(message);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } catch (java.util.concurrent.ExecutionException e) {
                    if (e.getCause() instanceof WsemailException refused && !WsemailException.CONNECTION_FAILED.equals(refused.code())) {
                        // No instant-messaging plug-in at this server (or it refuses this client): stop asking.
                        poller.stop();
                    }
                }
            }
        }.execute();
    }

    private Window window(Address peer) {
        Window window = windows.computeIfAbsent(peer, Window::new);
        window.setVisible(true);
        return window;
    }

    /** The conversation with one peer. */
    private final class Window extends JFrame {
        private static final long serialVersionUID = 1L;
        private final transient Address peer;
        private final JTextArea lines = new JTextArea(14, 48);
        private final JTextField answer = new JTextField();

        Window(Address peer) {
            super("Conversation with " + peer);
            this.peer = peer;
            lines.setName("conversation");
            lines.setEditable(false);
            lines.setLineWrap(true);
            answer.setName("answer");
            answer.addActionListener(event -> send());
            getContentPane().add(new JScrollPane(lines), BorderLayout.CENTER);
            getContentPane().add(answer, BorderLayout.SOUTH);
            setDefaultCloseOperation(WindowConstants.HIDE_ON_CLOSE);
            pack();
        }

        void show(ReadMessage message) {
            lines.append(message.message().sender() + ": " + message.message().body()
                    + (message.verified() ? "" : "   [signature NOT verified: " + message.signatureReport() + "]") + "\n");
        }

        private void send() {
            String text = answer.getText();
            if (text.isBlank()) {
                return;
            }
            answer.setText("");
            answer.setEnabled(false);
            new SwingWorker<List<InstantMessages.Delivery>, Void>() {
                @Override
                protected List<InstantMessages.Delivery> doInBackground() throws Exception {
                    synchronized (client) {
                        return messages.send(List.of(peer), text, false);
                    }
                }

                @Override
                protected void done() {
                    answer.setEnabled(true);
                    try {
                        InstantMessages.Delivery delivery = get().get(0);
                        lines.append(client.user() + ": " + text + "   (" + delivery.describe() + ")\n");
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    } catch (java.util.concurrent.ExecutionException e) {
                        lines.append("(not sent: " + Words.of(e) + ")\n");
                    }
                }
            }.execute();
        }
    }
}
