package org.wsemail.itests.e2e;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.wsemail.itests.e2e.ServerProcess.passwordFile;

import java.awt.Component;
import java.awt.Container;
import java.awt.Graphics2D;
import java.awt.Rectangle;
import java.awt.Robot;
import java.awt.Window;
import java.awt.image.BufferedImage;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.TrustAnchor;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.imageio.ImageIO;
import javax.swing.AbstractButton;
import javax.swing.JFrame;
import javax.swing.JLabel;
import javax.swing.JOptionPane;
import javax.swing.JRootPane;
import javax.swing.JTable;
import javax.swing.RootPaneContainer;
import javax.swing.SwingUtilities;
import javax.swing.text.JTextComponent;

import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Test;
import org.wsemail.api.Address;
import org.wsemail.api.Attachment;
import org.wsemail.api.MessageFlag;
import org.wsemail.client.WsemailClient;
import org.wsemail.desktop.DesktopClient;
import org.wsemail.forms.Form;
import org.wsemail.forms.PluginCoordinates;
import org.wsemail.security.Pki;

/**
 * The desktop client's real windows on an X server of the test's own (Xvfb on display :97, which the
 * build gives the test JVM), against a real server from the distribution: logging in (and a wrong
 * password said in words), sending, the message arriving by itself, read with its signature status,
 * deleted. Screenshots of the main screens go to docs/screenshots/, checked to show what they should.
 */
public class DesktopClientIT {
    private static final Duration WAIT = Duration.ofSeconds(60);
    /** How long the X server is given to show a window, raised and shown afresh meanwhile, before Swing's own drawing is taken. */
    private static final Duration SCREEN_WAIT = Duration.ofSeconds(20);
    private static final Pki.CertifiedKey CA = Pki.createAuthority("Desktop test CA", Duration.ofDays(1));
    private static final String ALICE = "alice@a.test";
    private static final String PASSWORD = "desktop-password-1";
    private static final String BOB = "bob@a.test";

    private static ServerProcess server;
    private static Path root;
    private static Path shots;

    @BeforeClass
    public static void startDisplayAndServer() throws Exception {
        assertEquals("the build runs this test with DISPLAY=:97", ":97", System.getenv("DISPLAY"));
        Path socket = Path.of("/tmp/.X11-unix/X97");
        Files.deleteIfExists(Path.of("/tmp/.X97-lock"));
        // -terminate: the X server ends when its last client, this JVM, goes. It is never stopped from
        // here: a JVM whose X server goes away under it exits at once, before its results are reported.
        try {
            new ProcessBuilder("Xvfb", ":97", "-screen", "0", "1280x900x24", "-nolisten", "tcp", "-terminate").redirectErrorStream(true)
                    .redirectOutput(Path.of("target", "xvfb.log").toFile()).start();
        } catch (java.io.IOException e) {
            throw new AssertionError("cannot start Xvfb (Debian: apt-get install xvfb): " + e.getMessage(), e);
        }
        await("Xvfb to listen", () -> Files.exists(socket));
        root = Path.of("target", "e2e-desktop").toAbsolutePath();
        ServerProcess.deleteRecursively(root);
        Files.createDirectories(root);
        shots = Files.createDirectories(Path.of(System.getProperty("wsemail.screenshots", "target/screenshots")));
        server = new ServerProcess(Path.of(System.getProperty("wsemail.assembly")), root, "a.test", "127.0.0.9", 18900);
        server.credentials(CA);
        server.start();
        server.shell("wsemail:user-add --password-file " + passwordFile(PASSWORD) + " " + ALICE,
                "wsemail:user-add --password-file " + passwordFile(PASSWORD) + " " + BOB,
                "wsemail:plugin-install mvn:org.wsemail.plugins/instant-messaging/" + System.getProperty("wsemail.version"));
    }

    @AfterClass
    public static void stop() {
        for (Window window : Window.getWindows()) {
            SwingUtilities.invokeLater(window::dispose);
        }
        if (server != null) {
            server.close();
        }
    }

    private static void await(String what, Callable<Boolean> condition) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.call()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("waited " + WAIT.toSeconds() + " s for " + what);
            }
            Thread.sleep(50);
        }
    }

    private static <T> T onScreen(Callable<T> read) throws Exception {
        AtomicReference<T> value = new AtomicReference<>();
        AtomicReference<Exception> failure = new AtomicReference<>();
        SwingUtilities.invokeAndWait(() -> {
            try {
                value.set(read.call());
            } catch (Exception e) {
                failure.set(e);
            }
        });
        if (failure.get() != null) {
            throw failure.get();
        }
        return value.get();
    }

    @SuppressWarnings("unchecked")
    private static <T extends Component> T find(Container in, String name) {
        for (Component child : in.getComponents()) {
            if (name.equals(child.getName())) {
                return (T) child;
            }
            if (child instanceof Container container) {
                T found = find(container, name);
                if (found != null) {
                    return found;
                }
            }
        }
        return null;
    }

    private static Optional<Window> window(String titleStart) {
        for (Window window : Window.getWindows()) {
            String title = window instanceof java.awt.Frame frame ? frame.getTitle()
                    : window instanceof java.awt.Dialog dialog ? dialog.getTitle() : "";
            if (window.isShowing() && title != null && title.startsWith(titleStart)) {
                return Optional.of(window);
            }
        }
        return Optional.empty();
    }

    private static void type(Window window, String field, String text) throws Exception {
        onScreen(() -> {
            JTextComponent component = find(window, field);
            component.setText(text);
            return null;
        });
    }

    private static void click(Window window, String button) throws Exception {
        onScreen(() -> {
            AbstractButton component = find(window, button);
            component.doClick();
            return null;
        });
    }

    private static String text(Window window, String name) throws Exception {
        return onScreen(() -> {
            Component component = find(window, name);
            return component instanceof JLabel label ? label.getText() : ((JTextComponent) component).getText();
        });
    }

    /**
     * The window as the screen shows it, written to docs/screenshots/NAME.png; checked not to be blank.
     * Should the X server not show it in time (below), the window as Swing draws it is taken instead,
     * checked the same way, and what the screen showed is said on the test's error output.
     */
    private static BufferedImage screenshot(Window window, String name) throws Exception {
        Rectangle bounds = onScreen(window::getBounds);
        Robot robot = new Robot();
        robot.waitForIdle();
        // The screen has settled once two captures in a row are the same and the window is drawn: a
        // window just mapped shows the same blank area twice before its first paint. On an X server
        // without a window manager a frame shown just after another was disposed can stay unmapped
        // (the capture shows the bare root window); while the area is blank the window is raised and
        // repainted, then shown afresh, every two seconds.
        BufferedImage last = robot.createScreenCapture(bounds);
        long blankSince = System.nanoTime();
        int nudges = 0;
        long deadline = System.nanoTime() + SCREEN_WAIT.toNanos();
        boolean settled = false;
        while (!settled && System.nanoTime() < deadline) {
            Thread.sleep(50);
            BufferedImage next = robot.createScreenCapture(bounds);
            boolean same = samePixels(last, next);
            last = next;
            boolean drawn = colours(next) > 20;
            if (!drawn && System.nanoTime() - blankSince > Duration.ofSeconds(2).toNanos()) {
                blankSince = System.nanoTime();
                boolean showAfresh = ++nudges % 2 == 0;
                System.err.println(name + " is still blank on screen; " + (showAfresh ? "showing it afresh" : "raising and repainting it"));
                SwingUtilities.invokeLater(() -> {
                    if (showAfresh) {
                        window.setVisible(false);
                        window.setVisible(true);
                    }
                    window.toFront();
                    window.repaint();
                });
            }
            settled = same && drawn;
        }
        BufferedImage image = last;
        String screen = "";
        if (!settled) {
            // Met twice in full runs, never alone: the screen went on showing one colour for a minute
            // whatever was done to the window. What the screen and the event thread were doing is said,
            // and the window's own drawing is what the check below judges.
            screen = " (not shown by the X server within " + SCREEN_WAIT.toSeconds() + " s: " + screenState(window, image) + ")";
            System.err.println(name + screen + "; taking the window as Swing draws it");
            image = drawnBySwing(window);
        }
        ImageIO.write(image, "png", shots.resolve(name + ".png").toFile());
        int colours = colours(image);
        assertTrue(name + " looks blank: " + colours + " colours" + screen, colours > 20);
        return image;
    }

    /**
     * The window's content as Swing draws it (no frame decorations: the test's X server has no window
     * manager to draw them), drawn again every 50 ms until two drawings are alike and not blank, or
     * {@link #WAIT} has passed; fails if the event thread does not answer.
     */
    private static BufferedImage drawnBySwing(Window window) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        BufferedImage last = null;
        while (true) {
            FutureTask<BufferedImage> drawing = new FutureTask<>(() -> {
                JRootPane content = ((RootPaneContainer) window).getRootPane();
                BufferedImage image = new BufferedImage(content.getWidth(), content.getHeight(), BufferedImage.TYPE_INT_RGB);
                Graphics2D graphics = image.createGraphics();
                try {
                    content.printAll(graphics);
                } finally {
                    graphics.dispose();
                }
                return image;
            });
            BufferedImage next;
            try {
                next = onScreenWithin(drawing, Duration.ofSeconds(10));
            } catch (TimeoutException e) {
                throw new AssertionError("the event thread did not draw the window within 10 s: " + screenState(window, null), e);
            }
            if (last != null && samePixels(last, next) && colours(next) > 20 || System.nanoTime() > deadline) {
                return next;
            }
            last = next;
            Thread.sleep(50);
        }
    }

    /** Runs {@code task} on the event thread and waits for it at most {@code limit} (unlike {@link #onScreen}, which waits on). */
    private static <T> T onScreenWithin(FutureTask<T> task, Duration limit) throws Exception {
        SwingUtilities.invokeLater(task);
        return task.get(limit.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** What the screen showed, whether the event thread answers, the windows showing and the AWT threads' places. */
    private static String screenState(Window window, BufferedImage captured) {
        StringBuilder state = new StringBuilder();
        if (captured != null) {
            state.append("the capture's first pixel #").append(Integer.toHexString(captured.getRGB(0, 0) & 0xffffff)).append("; ");
        }
        FutureTask<String> windows = new FutureTask<>(() -> {
            StringBuilder showing = new StringBuilder("window showing=" + window.isShowing() + " displayable=" + window.isDisplayable()
                    + " at " + window.getBounds() + "; windows showing:");
            for (Window each : Window.getWindows()) {
                if (each.isShowing()) {
                    showing.append(' ').append(each.getClass().getSimpleName()).append(each.getBounds());
                }
            }
            return showing.toString();
        });
        try {
            state.append(onScreenWithin(windows, Duration.ofSeconds(5)));
        } catch (Exception e) {
            state.append("the event thread did not answer within 5 s");
        }
        Thread.getAllStackTraces().forEach((thread, stack) -> {
            if (thread.getName().startsWith("AWT-")) {
                state.append("; ").append(thread.getName()).append(' ').append(thread.getState());
                for (int i = 0; i < Math.min(4, stack.length); i++) {
                    state.append(" < ").append(stack[i]);
                }
            }
        });
        return state.toString();
    }

    /** How many colours a sample of every third pixel each way finds. */
    private static int colours(BufferedImage image) {
        Set<Integer> colours = new HashSet<>();
        for (int x = 0; x < image.getWidth(); x += 3) {
            for (int y = 0; y < image.getHeight(); y += 3) {
                colours.add(image.getRGB(x, y));
            }
        }
        return colours.size();
    }

    private static boolean samePixels(BufferedImage a, BufferedImage b) {
        if (a.getWidth() != b.getWidth() || a.getHeight() != b.getHeight()) {
            return false;
        }
        for (int x = 0; x < a.getWidth(); x++) {
            for (int y = 0; y < a.getHeight(); y++) {
                if (a.getRGB(x, y) != b.getRGB(x, y)) {
                    return false;
                }
            }
        }
        return true;
    }

    private static Path settings(String password) throws Exception {
        Path file = root.resolve("client-" + password.hashCode() + ".properties");
        Pki.writePem(root.resolve("ca.pem"), CA.certificate());
        Files.writeString(file, "server=" + server.base() + "\nuser=" + ALICE + "\ntrust=" + root.resolve("ca.pem") + "\n");
        return file;
    }

    @Test
    public void logInWithACertificateFileFromTheDomainsAuthority() throws Exception {
        Path p12 = root.resolve("alice.p12");
        String secret = "alice-p12-secret";
        // Issued in the same breath: creating the authority must not make the server's services blink.
        server.shell("wsemail:ca-create", "wsemail:cert-issue-user --password-file " + passwordFile(secret) + " --out " + p12 + " " + ALICE);
        Path settings = root.resolve("client-certificate.properties");
        Files.writeString(settings, "server=" + server.base() + "\ntrust=" + root.resolve("ca.pem") + "\n");
        Pki.writePem(root.resolve("ca.pem"), CA.certificate());
        AtomicReference<JFrame> opened = new AtomicReference<>();
        JFrame login = onScreen(() -> DesktopClient.start(settings, Duration.ofSeconds(1), opened::set));
        try {
            type(login, "certificate", p12.toString());
            type(login, "password", secret);
            click(login, "login");
            await("the main window", () -> opened.get() != null);
            JFrame main = opened.get();
            assertEquals("the user the certificate names", "WSEmail: " + ALICE, onScreen(main::getTitle));
            await("the inbox", () -> text(main, "status").contains("checked"));
            SwingUtilities.invokeAndWait(main::dispose);
        } finally {
            SwingUtilities.invokeAndWait(login::dispose);
        }
    }

    @Test
    public void aWrongPasswordIsSaidInWords() throws Exception {
        JFrame login = onScreen(() -> DesktopClient.start(settings("wrong"), Duration.ofSeconds(1), main -> { }));
        try {
            type(login, "password", "not-the-password");
            click(login, "login");
            await("the refusal", () -> text(login, "status").contains("did not accept your login"));
            assertTrue(onScreen(login::isShowing));
        } finally {
            SwingUtilities.invokeAndWait(login::dispose);
        }
    }

    @Test
    public void logInSendSeeItArriveReadItWithItsSignatureAndDeleteIt() throws Exception {
        AtomicReference<JFrame> opened = new AtomicReference<>();
        JFrame login = onScreen(() -> DesktopClient.start(settings(PASSWORD), Duration.ofSeconds(1), opened::set));
        assertEquals(server.base().toString(), text(login, "server"));
        type(login, "password", PASSWORD);
        screenshot(login, "login");
        click(login, "login");
        await("the main window", () -> opened.get() != null);
        JFrame main = opened.get();
        await("the inbox", () -> text(main, "status").contains("checked"));

        String subject = "Quarterly figures " + System.nanoTime();
        click(main, "compose");
        await("the compose window", () -> window("New message").isPresent());
        Window compose = window("New message").orElseThrow();
        type(compose, "to", ALICE);
        type(compose, "subject", subject);
        type(compose, "body", "The figures are in.\nAlice");
        screenshot(compose, "compose");
        click(compose, "send");
        await("the message sent", () -> !onScreen(compose::isShowing));

        JTable inbox = onScreen(() -> find(main, "inbox"));
        await("the message to arrive, without a refresh asked for", () -> onScreen(() -> row(inbox, subject)) >= 0);
        await("its signature to be checked", () -> onScreen(() -> String.valueOf(inbox.getValueAt(row(inbox, subject), 0)))
                .startsWith("✓"));
        onScreen(() -> {
            int row = row(inbox, subject);
            inbox.setRowSelectionInterval(row, row);
            return null;
        });
        await("the message shown", () -> text(main, "message").contains("Subject:   " + subject));
        String shown = text(main, "message");
        assertTrue(shown, shown.contains("Signature: verified, signed by a.test"));
        assertTrue(shown, shown.contains("The figures are in."));

        BufferedImage picture = screenshot(main, "inbox");
        Rectangle cell = onScreen(() -> {
            Rectangle inTable = inbox.getCellRect(row(inbox, subject), 3, true);
            assertTrue("the subject's cell is in view", inbox.getVisibleRect().contains(inTable));
            java.awt.Point at = SwingUtilities.convertPoint(inbox, inTable.getLocation(), main);
            return new Rectangle(at.x, at.y, inTable.width, inTable.height);
        });
        Set<Integer> inCell = new HashSet<>();
        for (int x = cell.x; x < cell.x + cell.width; x++) {
            for (int y = cell.y; y < cell.y + cell.height; y++) {
                inCell.add(picture.getRGB(x, y));
            }
        }
        assertTrue("the subject is drawn in its cell on screen (" + inCell.size() + " colours there)", inCell.size() > 5);

        // Later, not waited for: the confirmation is modal, and holds the event thread until answered.
        SwingUtilities.invokeLater(() -> ((AbstractButton) find(main, "delete")).doClick());
        await("the confirmation", () -> window("Delete").isPresent());
        Window confirm = window("Delete").orElseThrow();
        onScreen(() -> {
            JOptionPane pane = findPane(confirm);
            pane.setValue(JOptionPane.OK_OPTION);
            return null;
        });
        await("the message gone", () -> onScreen(() -> row(inbox, subject)) < 0);
        // Other tests of the class may leave messages (instant messages sent before a window registered
        // go to the mailbox): the count said is the one the server holds, the deleted message not among them.
        WsemailClient alice = new WsemailClient(server.base(), Address.parse(ALICE), PASSWORD.toCharArray(),
                Set.of(new TrustAnchor(CA.certificate(), null)));
        await("the count said", () -> {
            List<String> held = alice.inbox(java.time.Instant.EPOCH).stream().map(h -> h.getSubject()).toList();
            assertTrue("deleted on the server", !held.contains(subject));
            int count = held.size();
            return text(main, "status").startsWith(count + " message" + (count == 1 ? " " : "s "));
        });
    }

    @Test
    public void anInstantMessageOpensItsConversationWindowWhereTheUserAnswers() throws Exception {
        AtomicReference<JFrame> opened = new AtomicReference<>();
        JFrame login = onScreen(() -> DesktopClient.start(settings(PASSWORD), Duration.ofSeconds(1), opened::set));
        type(login, "password", PASSWORD);
        click(login, "login");
        await("the main window", () -> opened.get() != null);
        JFrame main = opened.get();
        try {
            org.wsemail.messaging.InstantMessages bob = new org.wsemail.messaging.InstantMessages(new WsemailClient(
                    server.base(), Address.parse(BOB), PASSWORD.toCharArray(),
                    Set.of(new TrustAnchor(CA.certificate(), null))));
            // Until the window's client has registered, a message goes to the mailbox; the first one
            // handed to it live is the one to see.
            AtomicReference<String> live = new AtomicReference<>();
            await("a message delivered live to the desktop client", () -> {
                String text = "Lunch at noon? " + System.nanoTime();
                if ("CONSUMED".equals(bob.send(List.of(Address.parse(ALICE)), text, false).get(0).outcome())) {
                    live.set(text);
                    return true;
                }
                return false;
            });
            await("the conversation window", () -> window("Conversation with " + BOB).isPresent());
            Window conversation = window("Conversation with " + BOB).orElseThrow();
            await("the message in it", () -> text(conversation, "conversation").contains(BOB + ": " + live.get()));
            assertTrue("its signature verified", !text(conversation, "conversation").contains("NOT verified"));
            screenshot(conversation, "conversation");

            onScreen(() -> {
                javax.swing.JTextField answer = find(conversation, "answer");
                answer.setText("Yes, at noon.");
                answer.postActionEvent();
                return null;
            });
            await("the answer and what became of it", () -> text(conversation, "conversation").contains(ALICE + ": Yes, at noon.   ("));
        } finally {
            SwingUtilities.invokeAndWait(main::dispose);
            // Those sent before the window registered went to the mailbox; the other tests count Alice's messages.
            WsemailClient alice = new WsemailClient(server.base(), Address.parse(ALICE), PASSWORD.toCharArray(),
                    Set.of(new TrustAnchor(CA.certificate(), null)));
            alice.delete(alice.inbox(java.time.Instant.EPOCH).stream()
                    .filter(h -> h.getFlag().contains(org.wsemail.wire.soap.Flag.INSTANT_MESSAGE))
                    .map(h -> h.getId()).toList());
        }
    }

    private static JOptionPane findPane(Container in) {
        return first(in, JOptionPane.class);
    }

    /** The first component of that type in the container, depth first; null if none. */
    private static <T extends Component> T first(Container in, Class<T> type) {
        for (Component child : in.getComponents()) {
            if (type.isInstance(child)) {
                return type.cast(child);
            }
            if (child instanceof Container container) {
                T found = first(container, type);
                if (found != null) {
                    return found;
                }
            }
        }
        return null;
    }

    private static int row(JTable table, String subject) {
        for (int row = 0; row < table.getRowCount(); row++) {
            if (subject.equals(table.getValueAt(row, 3))) {
                return row;
            }
        }
        return -1;
    }

    @Test
    public void aFormIsDrawnByItsClientPluginOnceTheUserAgreesToFetchIt() throws Exception {
        System.setProperty("wsemail.plugin.runtime", server.home.resolve("client/plugin-runtime").toString());
        String published = server.shell("config:edit org.wsemail.plugins.routedforms",
                "config:property-set public.url https://" + server.ip + ":" + server.tlsPort, "config:update",
                "feature:install wsemail-plugin-routed-forms", "wsemail:client-plugin-publish "
                        + server.home.resolve("client-plugins/requisition-" + System.getProperty("wsemail.version") + ".jar"));
        Matcher coordinates = Pattern.compile(
                "Published (\\S+) (\\S+) \\(requisition\\) at (\\S+), SHA-256 ([0-9a-f]{64}), signed by (\\S+)").matcher(published);
        assertTrue(published, coordinates.find());
        java.util.Map<String, String> data = new java.util.LinkedHashMap<>();
        data.put("vendor", "ACME Office Supplies");
        data.put("account", "4711");
        data.put("description", "Chairs");
        data.put("quantity", "3");
        data.put("unit-price", "40");
        data.put("total", "120.00");
        Form form = Form.create(UUID.randomUUID().toString(), "requisition",
                new PluginCoordinates(coordinates.group(1), coordinates.group(2), URI.create(coordinates.group(3)),
                        coordinates.group(4), coordinates.group(5)), data, List.of(Form.Step.to(ALICE)));
        String subject = "Purchase requisition " + form.id();
        new WsemailClient(server.base(), Address.parse(BOB), PASSWORD.toCharArray(),
                Set.of(new TrustAnchor(CA.certificate(), null))).send(List.of(Address.parse(ALICE)),
                subject, "A requisition for you", List.of(new Attachment(Form.FILE_NAME,
                        Form.CONTENT_TYPE, form.toBytes())),
                Set.of(MessageFlag.FORM, MessageFlag.DYNAMIC_FORM));

        AtomicReference<JFrame> opened = new AtomicReference<>();
        JFrame login = onScreen(() -> DesktopClient.start(settings(PASSWORD), Duration.ofSeconds(1), opened::set));
        type(login, "password", PASSWORD);
        click(login, "login");
        await("the main window", () -> opened.get() != null);
        JFrame main = opened.get();
        try {
            JTable inbox = onScreen(() -> find(main, "inbox"));
            await("the form's message", () -> onScreen(() -> row(inbox, subject)) >= 0);
            onScreen(() -> {
                int row = row(inbox, subject);
                inbox.setRowSelectionInterval(row, row);
                return null;
            });
            await("the message shown", () -> text(main, "message").contains("Subject:   " + subject));
            click(main, "form");
            await("the question whether to install the plug-in", () -> window("Install a client plug-in?").isPresent());
            Window question = window("Install a client plug-in?").orElseThrow();
            String asked = onScreen(() -> String.valueOf(findPane(question).getMessage()));
            assertTrue(asked, asked.contains("signed by a.test's server"));
            onScreen(() -> {
                findPane(question).setValue(JOptionPane.YES_OPTION);
                return null;
            });
            await("the form drawn by its plug-in", () -> window("Purchase requisition " + form.id()).isPresent());
            Window view = window("Purchase requisition " + form.id()).orElseThrow();
            JTable fields = onScreen(() -> first(view, JTable.class));
            assertEquals("ACME Office Supplies", onScreen(() -> String.valueOf(fields.getValueAt(0, 1))));
            assertEquals("Total", onScreen(() -> String.valueOf(fields.getValueAt(5, 0))));
            assertTrue(text(view, "form-route"), text(view, "form-route").contains("> 1. alice@a.test"));
            screenshot(view, "form");
            SwingUtilities.invokeAndWait(view::dispose);
        } finally {
            SwingUtilities.invokeAndWait(main::dispose);
            // The other tests count Alice's messages.
            WsemailClient alice = new WsemailClient(server.base(), Address.parse(ALICE), PASSWORD.toCharArray(),
                    Set.of(new TrustAnchor(CA.certificate(), null)));
            alice.delete(alice.inbox(java.time.Instant.EPOCH).stream().filter(h -> h.getSubject().equals(subject))
                    .map(h -> h.getId()).toList());
        }
    }
}
