package org.wsemail.desktop;

import java.awt.BorderLayout;
import java.awt.GridBagLayout;
import java.awt.event.KeyEvent;
import java.io.IOException;
import java.nio.file.Path;
import java.security.cert.TrustAnchor;
import java.util.Arrays;
import java.util.Set;
import java.util.function.BiConsumer;

import javax.swing.BorderFactory;
import javax.swing.JButton;
import javax.swing.JFileChooser;
import javax.swing.JFrame;
import javax.swing.JLabel;
import javax.swing.JPanel;
import javax.swing.JPasswordField;
import javax.swing.JTextField;
import javax.swing.SwingWorker;
import javax.swing.WindowConstants;

import org.wsemail.client.WsemailClient;

/**
 * The login window: server, address (or a certificate file), password, trusted roots. The settings
 * are kept as the command line keeps them; the password never is. Logging in makes one request (the
 * inbox) so that a wrong password or an unreachable server is said here, in words.
 */
final class LoginWindow extends JFrame {
    private static final long serialVersionUID = 1L;

    private final JTextField server = field("server");
    private final JTextField user = field("user");
    private final JTextField certificate = field("certificate");
    private final JPasswordField password = new JPasswordField(24);
    private final JTextField trust = field("trust");
    private final JButton login = new JButton("Log in");
    private final JLabel status = new JLabel(" ");
    private final transient Path settingsFile;
    private final transient BiConsumer<WsemailClient, Set<TrustAnchor>> loggedIn;

    LoginWindow(Path settingsFile, BiConsumer<WsemailClient, Set<TrustAnchor>> loggedIn) {
        super("WSEmail: log in");
        this.settingsFile = settingsFile;
        this.loggedIn = loggedIn;
        Session saved = Session.load(settingsFile);
        server.setText(saved.server());
        user.setText(saved.user());
        certificate.setText(saved.certificate());
        trust.setText(saved.trust());
        password.setName("password");
        login.setName("login");
        status.setName("status");

        JPanel form = new JPanel(new GridBagLayout());
        form.setBorder(BorderFactory.createEmptyBorder(16, 16, 8, 16));
        Forms.row(form, 0, "Server:", 'S', server, null);
        Forms.row(form, 1, "Address:", 'A', user, null);
        Forms.row(form, 2, "Certificate file (instead of a password):", 'C', certificate, chooser(certificate));
        Forms.row(form, 3, "Password:", 'P', password, null);
        Forms.row(form, 4, "Trusted root certificates (or system):", 'T', trust, chooser(trust));

        JPanel bottom = new JPanel(new BorderLayout(8, 8));
        bottom.setBorder(BorderFactory.createEmptyBorder(0, 16, 16, 16));
        bottom.add(status, BorderLayout.CENTER);
        bottom.add(login, BorderLayout.EAST);
        login.setMnemonic(KeyEvent.VK_L);
        login.addActionListener(event -> logIn());
        getRootPane().setDefaultButton(login);

        getContentPane().add(form, BorderLayout.CENTER);
        getContentPane().add(bottom, BorderLayout.SOUTH);
        setDefaultCloseOperation(WindowConstants.DISPOSE_ON_CLOSE);
        pack();
        setLocationRelativeTo(null);
    }

    private static JTextField field(String name) {
        JTextField field = new JTextField(28);
        field.setName(name);
        return field;
    }

    private JButton chooser(JTextField target) {
        JButton choose = new JButton("Choose…");
        choose.setName(target.getName() + "-choose");
        choose.addActionListener(event -> {
            JFileChooser chooser = new JFileChooser();
            if (chooser.showOpenDialog(this) == JFileChooser.APPROVE_OPTION) {
                target.setText(chooser.getSelectedFile().getPath());
            }
        });
        return choose;
    }


    private record LoggedIn(WsemailClient client, Set<TrustAnchor> roots) {
    }

    private void logIn() {
        Session session = new Session(server.getText(), user.getText(), certificate.getText(), trust.getText());
        char[] secret = password.getPassword();
        login.setEnabled(false);
        status.setText("Logging in…");
        new SwingWorker<LoggedIn, Void>() {
            @Override
            protected LoggedIn doInBackground() throws Exception {
                try {
                    WsemailClient client = session.connect(secret);
                    client.inbox(java.time.Instant.now());
                    return new LoggedIn(client, session.roots());
                } finally {
                    Arrays.fill(secret, '\0');
                }
            }

            @Override
            protected void done() {
                login.setEnabled(true);
                try {
                    LoggedIn done = get();
                    try {
                        session.save(settingsFile);
                    } catch (IOException e) {
                        // the login worked; the settings are simply not remembered
                    }
                    status.setText(" ");
                    password.setText("");
                    setVisible(false);
                    dispose();
                    loggedIn.accept(done.client(), done.roots());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } catch (java.util.concurrent.ExecutionException e) {
                    status.setText("<html>" + Words.of(e).replace("\n", "<br>") + "</html>");
                    pack();
                }
            }
        }.execute();
    }
}
