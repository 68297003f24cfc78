package org.wsemail.desktop;

import java.awt.BorderLayout;
import java.awt.Font;
import java.awt.event.ActionEvent;
import java.awt.event.InputEvent;
import java.awt.event.KeyEvent;
import java.awt.event.MouseAdapter;
import java.awt.event.MouseEvent;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import javax.swing.AbstractAction;
import javax.swing.Action;
import javax.swing.JComponent;
import javax.swing.JFrame;
import javax.swing.JLabel;
import javax.swing.JOptionPane;
import javax.swing.JScrollPane;
import javax.swing.JSplitPane;
import javax.swing.JTable;
import javax.swing.JTextArea;
import javax.swing.JToolBar;
import javax.swing.KeyStroke;
import javax.swing.ListSelectionModel;
import javax.swing.SwingWorker;
import javax.swing.Timer;
import javax.swing.WindowConstants;
import javax.swing.table.AbstractTableModel;

import org.wsemail.api.Address;
import org.wsemail.api.Attachment;
import org.wsemail.api.MailMessage;
import org.wsemail.client.ReadMessage;
import org.wsemail.client.WsemailClient;
import org.wsemail.wire.soap.Flag;
import org.wsemail.wire.soap.Header;

/**
 * The main window (the paper's Figure 8): the inbox with date, sender, subject, size and marks for
 * the signature (verified or not), instant messages, forms and attachments; the message read in a
 * pane below with who signed it; compose, reply, forward, delete (several at once) and refresh, each
 * with a key. New mail appears by itself: the inbox is fetched again every few seconds. The client
 * library is used from one thread at a time (its calls are made holding the client's lock).
 */
final class MainWindow extends JFrame {
    private static final long serialVersionUID = 1L;
    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm").withZone(ZoneId.systemDefault());

    private final transient WsemailClient client;
    private final InboxModel inbox = new InboxModel();
    private final JTable table = new JTable(inbox);
    private final JTextArea message = new JTextArea();
    private final JLabel status = new JLabel(" ");
    /** What reading each message showed, by id: filled in the background as messages arrive. */
    private final transient Map<Long, ReadMessage> read = new ConcurrentHashMap<>();
    private final Timer refresher;
    private final transient Conversations conversations;
    private boolean refreshing;
    private final transient FormView.Plugins plugins;

    MainWindow(WsemailClient client, Duration refreshEvery, FormView.Plugins plugins) {
        super("WSEmail: " + client.user());
        this.client = client;
        this.plugins = plugins;
        table.setName("inbox");
        table.setSelectionMode(ListSelectionModel.MULTIPLE_INTERVAL_SELECTION);
        table.setAutoCreateRowSorter(true);
        table.setFillsViewportHeight(true);
        table.getColumnModel().getColumn(0).setMaxWidth(90);
        table.getColumnModel().getColumn(1).setPreferredWidth(130);
        table.getColumnModel().getColumn(2).setPreferredWidth(200);
        table.getColumnModel().getColumn(3).setPreferredWidth(320);
        table.getColumnModel().getColumn(4).setMaxWidth(90);
        table.getSelectionModel().addListSelectionListener(event -> {
            if (!event.getValueIsAdjusting()) {
                show(selected());
            }
        });
        table.addMouseListener(new MouseAdapter() {
            @Override
            public void mouseClicked(MouseEvent event) {
                if (event.getClickCount() == 2) {
                    reply(false);
                }
            }
        });
        message.setName("message");
        message.setEditable(false);
        message.setLineWrap(true);
        message.setWrapStyleWord(true);
        message.setFont(new Font(Font.MONOSPACED, Font.PLAIN, message.getFont().getSize()));
        status.setName("status");

        JToolBar tools = new JToolBar();
        tools.setFloatable(false);
        tools.add(action("Compose", "compose", KeyStroke.getKeyStroke(KeyEvent.VK_N, InputEvent.CTRL_DOWN_MASK), e -> compose(null)));
        tools.add(action("Reply", "reply", KeyStroke.getKeyStroke(KeyEvent.VK_R, InputEvent.CTRL_DOWN_MASK), e -> reply(false)));
        tools.add(action("Forward", "forward", KeyStroke.getKeyStroke(KeyEvent.VK_F, InputEvent.CTRL_DOWN_MASK), e -> reply(true)));
        tools.add(action("Delete", "delete", KeyStroke.getKeyStroke(KeyEvent.VK_DELETE, 0), e -> deleteSelected()));
        tools.add(action("Form", "form", KeyStroke.getKeyStroke(KeyEvent.VK_O, InputEvent.CTRL_DOWN_MASK), e -> openForm()));
        tools.add(action("Refresh", "refresh", KeyStroke.getKeyStroke(KeyEvent.VK_F5, 0), e -> refresh()));

        JSplitPane split = new JSplitPane(JSplitPane.VERTICAL_SPLIT, new JScrollPane(table), new JScrollPane(message));
        split.setResizeWeight(0.5);
        getContentPane().add(tools, BorderLayout.NORTH);
        getContentPane().add(split, BorderLayout.CENTER);
        getContentPane().add(status, BorderLayout.SOUTH);
        setDefaultCloseOperation(WindowConstants.DISPOSE_ON_CLOSE);
        setSize(900, 640);
        setLocationRelativeTo(null);

        refresher = new Timer((int) refreshEvery.toMillis(), e -> refresh());
        refresher.setInitialDelay(0);
        refresher.start();
        conversations = new Conversations(client);
        conversations.start();
    }

    @Override
    public void dispose() {
        refresher.stop();
        conversations.stop();
        plugins.close();
        super.dispose();
    }

    /** A toolbar button for an action that also has a key anywhere in the window. */
    private JComponent action(String title, String name, KeyStroke key, java.util.function.Consumer<ActionEvent> run) {
        Action action = new AbstractAction(title) {
            private static final long serialVersionUID = 1L;

            @Override
            public void actionPerformed(ActionEvent event) {
                run.accept(event);
            }
        };
        action.putValue(Action.SHORT_DESCRIPTION, title + " (" + KeyEvent.getKeyModifiersText(key.getModifiers())
                + (key.getModifiers() == 0 ? "" : "+") + KeyEvent.getKeyText(key.getKeyCode()) + ")");
        getRootPane().getInputMap(JComponent.WHEN_IN_FOCUSED_WINDOW).put(key, name);
        getRootPane().getActionMap().put(name, action);
        javax.swing.JButton button = new javax.swing.JButton(action);
        button.setName(name);
        return button;
    }

    /** Fetches the inbox again, then reads (and checks the signature of) each message not read yet. */
    void refresh() {
        if (refreshing) {
            return;
        }
        refreshing = true;
        new SwingWorker<List<Header>, Void>() {
            @Override
            protected List<Header> doInBackground() throws Exception {
                synchronized (client) {
                    List<Header> headers = client.inbox(Instant.EPOCH);
                    for (Header header : headers) {
                        read.computeIfAbsent(header.getId(), id -> {
                            try {
                                return client.read(id);
                            } catch (org.wsemail.client.WsemailException e) {
                                return null;
                            }
                        });
                    }
                    return headers;
                }
            }

            @Override
            protected void done() {
                refreshing = false;
                try {
                    List<Long> chosen = selected();
                    inbox.set(get());
                    reselect(chosen);
                    status.setText(inbox.getRowCount() + " message" + (inbox.getRowCount() == 1 ? "" : "s") + " · checked "
                            + DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneId.systemDefault()).format(Instant.now()));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } catch (java.util.concurrent.ExecutionException e) {
                    status.setText(Words.of(e).lines().findFirst().orElse(""));
                }
            }
        }.execute();
    }

    private List<Long> selected() {
        List<Long> ids = new ArrayList<>();
        for (int row : table.getSelectedRows()) {
            ids.add(inbox.header(table.convertRowIndexToModel(row)).getId());
        }
        return ids;
    }

    private void reselect(List<Long> ids) {
        for (int row = 0; row < inbox.getRowCount(); row++) {
            if (ids.contains(inbox.header(row).getId())) {
                int view = table.convertRowIndexToView(row);
                table.getSelectionModel().addSelectionInterval(view, view);
            }
        }
    }

    private void show(List<Long> ids) {
        if (ids.size() != 1) {
            message.setText(ids.isEmpty() ? "" : ids.size() + " messages selected");
            return;
        }
        ReadMessage shown = read.get(ids.get(0));
        if (shown == null) {
            message.setText("(not read yet)");
            return;
        }
        MailMessage m = shown.message();
        StringBuilder text = new StringBuilder();
        text.append("From:      ").append(m.sender()).append('\n');
        text.append("To:        ").append(String.join(", ", m.recipients().stream().map(Address::toString).toList())).append('\n');
        text.append("Date:      ").append(DATE.format(m.timestamp())).append('\n');
        text.append("Subject:   ").append(m.subject()).append('\n');
        text.append("Signature: ").append(shown.verified() ? "verified, " : "NOT VERIFIED: ").append(shown.signatureReport()).append('\n');
        for (Attachment attachment : m.attachments()) {
            text.append("Attached:  ").append(attachment.name()).append(" (").append(attachment.onDemand()
                    .map(d -> d.size() + " bytes, on demand from " + d.location()).orElse(attachment.size() + " bytes")).append(")\n");
        }
        text.append('\n').append(m.body());
        message.setText(text.toString());
        message.setCaretPosition(0);
    }

    /** Shows the selected message's form as its client plug-in renders it, the plug-in fetched after the user agrees. */
    private void openForm() {
        List<Long> ids = selected();
        ReadMessage shown = ids.size() == 1 ? read.get(ids.get(0)) : null;
        if (shown == null) {
            status.setText("Select one message that carries a form");
            return;
        }
        status.setText("Opening the form…");
        new SwingWorker<FormView, Void>() {
            @Override
            protected FormView doInBackground() throws Exception {
                return plugins.view(shown.message(), MainWindow.this);
            }

            @Override
            protected void done() {
                try {
                    get().setVisible(true);
                    status.setText(" ");
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } catch (java.util.concurrent.ExecutionException e) {
                    status.setText(Words.of(e).lines().findFirst().orElse(""));
                }
            }
        }.execute();
    }

    private void compose(MailMessage replyingTo) {
        new ComposeWindow(this, client, replyingTo == null ? "" : replyingTo.sender().toString(),
                replyingTo == null ? "" : "Re: " + replyingTo.subject(), replyingTo == null ? "" : quote(replyingTo)).setVisible(true);
    }

    private void reply(boolean forward) {
        List<Long> ids = selected();
        if (ids.size() != 1 || read.get(ids.get(0)) == null) {
            status.setText("Choose one message to " + (forward ? "forward" : "reply to") + ".");
            return;
        }
        MailMessage original = read.get(ids.get(0)).message();
        if (forward) {
            new ComposeWindow(this, client, "", "Fwd: " + original.subject(), "\n\n---- Forwarded message from " + original.sender()
                    + " ----\n" + original.body()).setVisible(true);
        } else {
            compose(original);
        }
    }

    private static String quote(MailMessage original) {
        return "\n\n" + original.sender() + " wrote:\n> " + original.body().replace("\n", "\n> ");
    }

    private void deleteSelected() {
        List<Long> ids = selected();
        if (ids.isEmpty()) {
            status.setText("Choose the messages to delete.");
            return;
        }
        if (JOptionPane.showConfirmDialog(this, "Delete " + ids.size() + " message" + (ids.size() == 1 ? "" : "s") + "?", "Delete",
                JOptionPane.OK_CANCEL_OPTION) != JOptionPane.OK_OPTION) {
            return;
        }
        new SwingWorker<Integer, Void>() {
            @Override
            protected Integer doInBackground() throws Exception {
                synchronized (client) {
                    return client.delete(ids);
                }
            }

            @Override
            protected void done() {
                try {
                    status.setText("Deleted " + get() + " of " + ids.size() + ".");
                    ids.forEach(read::remove);
                    table.clearSelection();
                    refresh();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } catch (java.util.concurrent.ExecutionException e) {
                    JOptionPane.showMessageDialog(MainWindow.this, Words.of(e), "Not deleted", JOptionPane.ERROR_MESSAGE);
                }
            }
        }.execute();
    }

    /** The inbox as rows: marks, date, sender, subject, size. */
    private final class InboxModel extends AbstractTableModel {
        private static final long serialVersionUID = 1L;
        private static final String[] COLUMNS = {"", "Date", "From", "Subject", "Size"};
        private transient List<Header> headers = List.of();

        void set(List<Header> fresh) {
            headers = List.copyOf(fresh);
            fireTableDataChanged();
        }

        Header header(int row) {
            return headers.get(row);
        }

        @Override
        public int getRowCount() {
            return headers.size();
        }

        @Override
        public int getColumnCount() {
            return COLUMNS.length;
        }

        @Override
        public String getColumnName(int column) {
            return COLUMNS[column];
        }

        @Override
        public Class<?> getColumnClass(int column) {
            return column == 4 ? Long.class : String.class;
        }

        @Override
        public Object getValueAt(int row, int column) {
            Header header = headers.get(row);
            return switch (column) {
                case 0 -> marks(header);
                case 1 -> DATE.format(header.getTimestamp().toGregorianCalendar().toInstant());
                case 2 -> header.getSender();
                case 3 -> header.getSubject();
                default -> header.getSize();
            };
        }

        /** ✓ signature verified, ✗ not, IM instant message, SMTP Internet mail, F form, @ attachments. */
        private String marks(Header header) {
            StringBuilder marks = new StringBuilder();
            ReadMessage shown = read.get(header.getId());
            marks.append(shown == null ? "·" : shown.verified() ? "✓" : "✗");
            if (header.getFlag().contains(Flag.INSTANT_MESSAGE)) {
                marks.append(" IM");
            }
            if (header.getFlag().contains(Flag.LEGACY_MAIL)) {
                marks.append(" SMTP");
            }
            if (header.getFlag().contains(Flag.FORM)) {
                marks.append(" F");
            }
            if (shown != null && !shown.message().attachments().isEmpty()) {
                marks.append(" @");
            }
            return marks.toString();
        }
    }
}
