package org.wsemail.desktop;

import java.awt.BorderLayout;
import java.awt.Font;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.reflect.InvocationTargetException;
import java.nio.file.Path;
import java.security.cert.TrustAnchor;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

import javax.swing.JDialog;
import javax.swing.JFrame;
import javax.swing.JOptionPane;
import javax.swing.JScrollPane;
import javax.swing.JTextArea;
import javax.swing.SwingUtilities;

import org.wsemail.api.MailMessage;
import org.wsemail.client.WsemailClient;
import org.wsemail.formsclient.ClientPlugins;
import org.wsemail.forms.Form;
import org.wsemail.forms.spi.FormType;

/**
 * A form shown as its client plug-in renders it (the paper's Figure 10): the plug-in's own view of
 * the data above, the route and the sign-offs below. Read-only: signing is the command line's
 * {@code wsemail form approve}, with the user's certificate.
 */
final class FormView extends JDialog {
    private static final long serialVersionUID = 1L;

    private FormView(JFrame owner, Form form, FormType type) {
        super(owner, type.title() + " " + form.id(), false);
        setName("form-view");
        JTextArea route = new JTextArea(form.routeAndSignoffs());
        route.setName("form-route");
        route.setEditable(false);
        route.setRows(8);
        route.setFont(new Font(Font.MONOSPACED, Font.PLAIN, route.getFont().getSize()));
        getContentPane().add(type.renderDesktop(form.data()), BorderLayout.CENTER);
        getContentPane().add(new JScrollPane(route), BorderLayout.SOUTH);
        setSize(640, 480);
        setLocationRelativeTo(owner);
    }

    /**
     * The user's client plug-ins as the desktop client uses them: the registry beside its settings,
     * plug-ins of the user's own domain, the user asked before each install. Opened when first
     * needed, from a background thread; closed with the main window.
     */
    static final class Plugins {
        private final Path directory;
        private final WsemailClient client;
        private final Set<TrustAnchor> roots;
        private ClientPlugins opened;

        Plugins(Path directory, WsemailClient client, Set<TrustAnchor> roots) {
            this.directory = directory;
            this.client = client;
            this.roots = Set.copyOf(roots);
        }

        /** The view of the message's form, its plug-in fetched (after the user agreed in a dialog) if need be. */
        synchronized FormView view(MailMessage message, JFrame owner) throws IOException {
            Form form = ClientPlugins.formOf(message).orElseThrow(() -> new IOException("This message carries no form"));
            if (opened == null) {
                opened = ClientPlugins.open(directory, Set.of(client.user().domain()), roots, question -> ask(owner, question),
                        new PrintStream(PrintStream.nullOutputStream()));
            }
            FormType type = opened.formTypeOf(form);
            return new FormView(owner, form, type);
        }

        private static boolean ask(JFrame owner, String question) {
            AtomicBoolean yes = new AtomicBoolean();
            try {
                SwingUtilities.invokeAndWait(() -> yes.set(JOptionPane.showConfirmDialog(owner,
                        "<html><body style='width: 420px'>" + question + "</body></html>", "Install a client plug-in?",
                        JOptionPane.YES_NO_OPTION, JOptionPane.QUESTION_MESSAGE) == JOptionPane.YES_OPTION));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (InvocationTargetException e) {
                return false;
            }
            return yes.get();
        }

        synchronized void close() {
            if (opened != null) {
                opened.close();
            }
        }
    }
}
