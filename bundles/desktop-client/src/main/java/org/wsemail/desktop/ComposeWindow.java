package org.wsemail.desktop;

import java.awt.BorderLayout;
import java.awt.GridBagLayout;
import java.awt.event.KeyEvent;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongConsumer;

import javax.swing.BorderFactory;
import javax.swing.DefaultListModel;
import javax.swing.JButton;
import javax.swing.JCheckBox;
import javax.swing.JDialog;
import javax.swing.JFileChooser;
import javax.swing.JFrame;
import javax.swing.JLabel;
import javax.swing.JList;
import javax.swing.JPanel;
import javax.swing.JProgressBar;
import javax.swing.JScrollPane;
import javax.swing.JTextArea;
import javax.swing.JTextField;
import javax.swing.SwingWorker;

import org.wsemail.api.Address;
import org.wsemail.api.Attachment;
import org.wsemail.client.AttachmentTransfer;
import org.wsemail.client.WsemailClient;
import org.wsemail.client.WsemailException;
import org.wsemail.messaging.InstantMessages;

/**
 * Writing a message (the paper's Figure 7): recipients, subject, text, files attached (kept on the
 * sender's server where it keeps attachments, inline where it does not), and "send as instant
 * message". A progress bar follows the bytes of each file as it is uploaded, then the message as it is sent.
 */
final class ComposeWindow extends JDialog {
    private static final long serialVersionUID = 1L;

    private final transient WsemailClient client;
    private final JTextField to = new JTextField(40);
    private final JTextField subject = new JTextField(40);
    private final JTextArea body = new JTextArea(14, 60);
    private final DefaultListModel<Path> files = new DefaultListModel<>();
    private final JCheckBox instant = new JCheckBox("Send as instant message");
    private final JProgressBar progress = new JProgressBar();
    private final JLabel status = new JLabel(" ");
    private final JButton send = new JButton("Send");

    ComposeWindow(JFrame owner, WsemailClient client, String recipients, String title, String text) {
        super(owner, "New message", false);
        this.client = client;
        to.setName("to");
        subject.setName("subject");
        body.setName("body");
        instant.setName("instant");
        send.setName("send");
        status.setName("compose-status");
        progress.setName("progress");
        to.setText(recipients);
        subject.setText(title);
        body.setText(text);
        body.setLineWrap(true);
        body.setWrapStyleWord(true);
        instant.setMnemonic(KeyEvent.VK_I);
        send.setMnemonic(KeyEvent.VK_S);

        JPanel head = new JPanel(new GridBagLayout());
        head.setBorder(BorderFactory.createEmptyBorder(12, 12, 4, 12));
        Forms.row(head, 0, "To:", 'T', to, null);
        Forms.row(head, 1, "Subject:", 'U', subject, null);
        JList<Path> attached = new JList<>(files);
        attached.setName("attachments");
        attached.setVisibleRowCount(3);
        JButton add = new JButton("Attach…");
        add.setMnemonic(KeyEvent.VK_A);
        add.addActionListener(event -> {
            JFileChooser chooser = new JFileChooser();
            chooser.setMultiSelectionEnabled(true);
            if (chooser.showOpenDialog(this) == JFileChooser.APPROVE_OPTION) {
                for (java.io.File file : chooser.getSelectedFiles()) {
                    files.addElement(file.toPath());
                }
            }
        });
        JButton remove = new JButton("Remove");
        remove.addActionListener(event -> attached.getSelectedValuesList().forEach(files::removeElement));

        JPanel attachments = new JPanel(new BorderLayout(6, 6));
        attachments.add(new JScrollPane(attached), BorderLayout.CENTER);
        JPanel buttons = new JPanel();
        buttons.add(add);
        buttons.add(remove);
        attachments.add(buttons, BorderLayout.EAST);

        JPanel bottom = new JPanel(new BorderLayout(8, 8));
        bottom.setBorder(BorderFactory.createEmptyBorder(4, 12, 12, 12));
        bottom.add(attachments, BorderLayout.NORTH);
        bottom.add(instant, BorderLayout.WEST);
        bottom.add(progress, BorderLayout.CENTER);
        bottom.add(send, BorderLayout.EAST);
        bottom.add(status, BorderLayout.SOUTH);
        send.addActionListener(event -> send());

        getContentPane().add(head, BorderLayout.NORTH);
        getContentPane().add(new JScrollPane(body), BorderLayout.CENTER);
        getContentPane().add(bottom, BorderLayout.SOUTH);
        pack();
        setLocationRelativeTo(owner);
    }


    private void send() {
        List<Address> recipients;
        try {
            recipients = Address.parseList(to.getText());
        } catch (IllegalArgumentException e) {
            status.setText("Check the recipients: " + e.getMessage());
            return;
        }
        if (recipients.isEmpty()) {
            status.setText("Give at least one recipient.");
            return;
        }
        List<Path> attach = new ArrayList<>();
        for (int i = 0; i < files.size(); i++) {
            attach.add(files.get(i));
        }
        boolean asInstant = instant.isSelected();
        if (asInstant && !attach.isEmpty()) {
            status.setText("An instant message carries text only: remove the files, or send it as mail.");
            return;
        }
        String title = subject.getText();
        String text = body.getText();
        send.setEnabled(false);
        // The bar counts kilobytes: every file's, as they go out, and one more step for the message itself.
        long totalKib = 1;
        for (Path file : attach) {
            try {
                totalKib += Files.size(file) / 1024 + 1;
            } catch (IOException e) {
                status.setText("Cannot read " + file + ": " + e.getMessage());
                send.setEnabled(true);
                return;
            }
        }
        progress.setMaximum((int) Math.min(Integer.MAX_VALUE, totalKib));
        progress.setValue(0);
        progress.setStringPainted(true);
        new SwingWorker<String, Integer>() {
            @Override
            protected String doInBackground() throws Exception {
                synchronized (client) {
                    return sendNow();
                }
            }

            private String sendNow() throws Exception {
                if (asInstant) {
                    List<InstantMessages.Delivery> outcome = new InstantMessages(client).send(recipients, text, false);
                    return String.join("; ", outcome.stream().map(d -> d.recipient() + ": " + d.describe()).toList());
                }
                List<Attachment> attachments = new ArrayList<>();
                AttachmentTransfer transfer = client.attachments();
                long doneKib = 0;
                for (Path file : attach) {
                    long before = doneKib;
                    attachments.add(attachment(transfer, file, sent -> publish((int) (before + sent / 1024))));
                    doneKib += Files.size(file) / 1024 + 1;
                    publish((int) doneKib);
                }
                String id = client.send(recipients, title, text, attachments);
                publish(Integer.MAX_VALUE);
                return "Sent " + id;
            }

            @Override
            protected void process(List<Integer> done) {
                progress.setValue(Math.min(progress.getMaximum(), done.get(done.size() - 1)));
            }

            @Override
            protected void done() {
                send.setEnabled(true);
                try {
                    status.setText(get());
                    dispose();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } catch (java.util.concurrent.ExecutionException e) {
                    progress.setValue(0);
                    status.setText("<html>" + Words.of(e).replace("\n", "<br>") + "</html>");
                    pack();
                }
            }
        }.execute();
    }

    /** The file kept on the user's server, or inline where the server keeps no attachments. */
    private static Attachment attachment(AttachmentTransfer transfer, Path file, LongConsumer sent)
            throws WsemailException, IOException {
        try {
            return transfer.upload(file, null, sent);
        } catch (WsemailException e) {
            if (!AttachmentTransfer.NOT_OFFERED.equals(e.code())) {
                throw e;
            }
            String type = Files.probeContentType(file);
            return new Attachment(file.getFileName().toString(), type == null ? "application/octet-stream" : type,
                    Files.readAllBytes(file));
        }
    }
}
