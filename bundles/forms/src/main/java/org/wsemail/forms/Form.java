package org.wsemail.forms;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import javax.xml.transform.OutputKeys;
import javax.xml.transform.Transformer;
import javax.xml.transform.TransformerException;
import javax.xml.transform.TransformerFactory;
import javax.xml.transform.dom.DOMSource;
import javax.xml.transform.stream.StreamResult;

import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;
import org.xml.sax.SAXException;

/**
 * A routed form: the XML document a message carries as its {@value #FILE_NAME} attachment, which
 * travels from approver to approver and gathers their signed sign-offs.
 *
 * <pre>{@code
 * <form xmlns="urn:wsemail:form:1" id="..." type="requisition" current="2">
 *   <plugin Id="form-plugin" name="org.wsemail.forms.requisition" version="1.0.0" location="https://..." sha256="..." signer="a.test"/>
 *   <data Id="form-data"><field name="vendor">ACME</field>...</data>
 *   <route><step to="ann@a.test"/><step role="purchasing" to="carol@a.test" note="..."/><step to="filing@a.test" program="true"/></route>
 *   <signoffs><signoff Id="signoff-0" by="alice@a.test" step="0" decision="submitted" at="...">ds:Signature</signoff>...</signoffs>
 *   <delegations><delegation Id="delegation-1" from="bob@b.test" to="dave@b.test" until="...">ds:Signature</delegation></delegations>
 * </form>
 * }</pre>
 *
 * The plug-in coordinates, the data and every earlier sign-off are covered by each sign-off's
 * signature ({@link FormSignatures}); the route is routing state, which servers fill in (roles,
 * rules) and which no signature covers. Not thread-safe: one form per thread.
 */
public final class Form {
    /** The namespace of form documents. */
    public static final String NS = "urn:wsemail:form:1";
    /** The content type of the attachment that carries a form. */
    public static final String CONTENT_TYPE = "application/vnd.wsemail.form+xml";
    /** The name of the attachment that carries a form. */
    public static final String FILE_NAME = "form.xml";
    /** The Id of the plug-in coordinates element. */
    public static final String PLUGIN_ID = "form-plugin";
    /** The Id of the data element. */
    public static final String DATA_ID = "form-data";
    static final String ID = "Id";

    /** What a sign-off says. */
    public enum Decision {
        SUBMITTED, APPROVED, REJECTED, DELEGATED;

        String wire() {
            return name().toLowerCase(Locale.ROOT);
        }

        static Decision parse(String text) {
            return valueOf(text.toUpperCase(Locale.ROOT));
        }
    }

    /**
     * One step of the route.
     *
     * @param number its place, from 1
     * @param to the address the form goes to at this step; empty for a role nobody was mapped to yet
     * @param role the role it stands for, or empty
     * @param program true if a program receives the form here: the last step, which files it
     * @param note who changed the step and why, e.g. a rule that added it; empty if none
     */
    public record Step(int number, String to, String role, boolean program, String note) {

        /** A step to a person. */
        public static Step to(String address) {
            return new Step(0, address.toLowerCase(Locale.ROOT), "", false, "");
        }

        /** A step to whoever holds a role in a domain (mapped by that domain's server). */
        public static Step role(String role) {
            return new Step(0, "", role.toLowerCase(Locale.ROOT), false, "");
        }

        /** The last step: the receiving program at this address. */
        public static Step program(String address) {
            return new Step(0, address.toLowerCase(Locale.ROOT), "", true, "");
        }

        public boolean isRole() {
            return !role.isEmpty();
        }

        /** For people: "ann@a.test", "role purchasing (carol@a.test)", "program filing@a.test". */
        public String describe() {
            if (isRole()) {
                return "role " + role + (to.isEmpty() ? "" : " (" + to + ")");
            }
            return program ? "program " + to : to;
        }
    }

    /**
     * A sign-off as the document states it; whether its signature holds is {@link FormVerifier}'s to say.
     *
     * @param index its place among the sign-offs, from 0 (the submission)
     * @param by who signed, an address
     * @param step the route step it completes (0 for the submission)
     * @param decision what it says
     * @param at when, as the signer's client stated it
     * @param comment the reason of a rejection or a remark; empty if none
     * @param delegate for a delegation, who may sign instead; else empty
     */
    public record Signoff(int index, String by, int step, Decision decision, Instant at, String comment, String delegate) {
    }

    /**
     * A standing delegation, signed by its giver: {@code to} may sign for {@code from} until then.
     *
     * @param id its Id in the document
     */
    public record Delegation(String id, String from, String to, Instant until) {
    }

    private final Document document;
    private final Element root;

    private Form(Document document) {
        this.document = document;
        this.root = document.getDocumentElement();
    }

    /**
     * A new, unsigned form.
     *
     * @param id a unique identifier, e.g. a random UUID
     * @param type the form type's name
     * @param plugin where its client plug-in comes from
     * @param data the complete data, in field order
     * @param route the steps after the submitter, the last one usually a program
     */
    public static Form create(String id, String type, PluginCoordinates plugin, Map<String, String> data, List<Step> route) {
        if (route.isEmpty()) {
            throw new IllegalArgumentException("a form needs at least one step to go to");
        }
        Document document = newBuilder().newDocument();
        Element root = document.createElementNS(NS, "form");
        document.appendChild(root);
        // Declared as an attribute, as a parsed document has it: canonicalization, and so every signature, sees the same.
        root.setAttributeNS(XMLConstants.XMLNS_ATTRIBUTE_NS_URI, "xmlns", NS);
        root.setAttributeNS(null, "id", id);
        root.setAttributeNS(null, "type", type);
        root.setAttributeNS(null, "current", "1");
        Element coordinates = child(root, "plugin");
        coordinates.setAttributeNS(null, ID, PLUGIN_ID);
        coordinates.setAttributeNS(null, "name", plugin.symbolicName());
        coordinates.setAttributeNS(null, "version", plugin.version());
        coordinates.setAttributeNS(null, "location", plugin.location().toString());
        coordinates.setAttributeNS(null, "sha256", plugin.sha256());
        coordinates.setAttributeNS(null, "signer", plugin.signer());
        Element fields = child(root, "data");
        fields.setAttributeNS(null, ID, DATA_ID);
        data.forEach((name, value) -> {
            Element field = child(fields, "field");
            field.setAttributeNS(null, "name", name);
            field.setTextContent(value);
        });
        Element steps = child(root, "route");
        for (Step step : route) {
            writeStep(child(steps, "step"), step);
        }
        child(root, "signoffs");
        child(root, "delegations");
        Form form = new Form(document);
        form.markIds();
        return form;
    }

    /**
     * Reads a form document, refusing DTDs and external entities.
     *
     * @throws IllegalArgumentException if it is not a well-formed form document
     */
    public static Form parse(byte[] xml) {
        Document document;
        try {
            document = newBuilder().parse(new ByteArrayInputStream(xml));
        } catch (SAXException | IOException e) {
            throw new IllegalArgumentException("not a form document: " + e.getMessage(), e);
        }
        Element root = document.getDocumentElement();
        if (!NS.equals(root.getNamespaceURI()) || !"form".equals(root.getLocalName())) {
            throw new IllegalArgumentException("not a form document: its root is " + root.getNodeName());
        }
        Form form = new Form(document);
        for (String part : List.of("plugin", "data", "route", "signoffs", "delegations")) {
            if (form.only(part) == null) {
                throw new IllegalArgumentException("not a form document: it has no single <" + part + ">");
            }
        }
        form.markIds();
        form.plugin();
        form.route();
        form.signoffs();
        form.delegations();
        return form;
    }

    /** The document as UTF-8 bytes, exactly as it is signed. */
    public byte[] toBytes() {
        try {
            Transformer transformer = TransformerFactory.newInstance().newTransformer();
            transformer.setOutputProperty(OutputKeys.ENCODING, "UTF-8");
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            transformer.transform(new DOMSource(document), new StreamResult(out));
            return out.toByteArray();
        } catch (TransformerException e) {
            throw new IllegalStateException("cannot write the form", e);
        }
    }

    public String id() {
        return root.getAttributeNS(null, "id");
    }

    public String type() {
        return root.getAttributeNS(null, "type");
    }

    public PluginCoordinates plugin() {
        Element plugin = only("plugin");
        try {
            return new PluginCoordinates(plugin.getAttributeNS(null, "name"), plugin.getAttributeNS(null, "version"),
                    URI.create(plugin.getAttributeNS(null, "location")), plugin.getAttributeNS(null, "sha256"),
                    plugin.getAttributeNS(null, "signer"));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the form names its plug-in wrongly: " + e.getMessage(), e);
        }
    }

    /** The data, field by field, in document order. */
    public Map<String, String> data() {
        Map<String, String> data = new LinkedHashMap<>();
        for (Element field : children(only("data"), "field")) {
            data.put(field.getAttributeNS(null, "name"), field.getTextContent());
        }
        return Collections.unmodifiableMap(data);
    }

    /** A number field's value, or empty if the form has no such field or it is not a number. */
    public Optional<java.math.BigDecimal> number(String field) {
        try {
            return Optional.ofNullable(data().get(field)).map(String::trim).map(java.math.BigDecimal::new);
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    public List<Step> route() {
        List<Step> steps = new ArrayList<>();
        int number = 1;
        for (Element step : children(only("route"), "step")) {
            steps.add(new Step(number++, step.getAttributeNS(null, "to"), step.getAttributeNS(null, "role"),
                    "true".equals(step.getAttributeNS(null, "program")), step.getAttributeNS(null, "note")));
        }
        return List.copyOf(steps);
    }

    /** The number of the step the form waits at; one past the last when the route is done. */
    public int current() {
        try {
            return Integer.parseInt(root.getAttributeNS(null, "current"));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("the form's current step is not a number");
        }
    }

    /** The step the form waits at, or empty when its route is done (or it was rejected). */
    public Optional<Step> currentStep() {
        List<Step> route = route();
        int current = current();
        return current >= 1 && current <= route.size() && !rejected() ? Optional.of(route.get(current - 1)) : Optional.empty();
    }

    /** True once someone rejected it. */
    public boolean rejected() {
        return signoffs().stream().anyMatch(s -> s.decision() == Decision.REJECTED);
    }

    /** Moves the form on to the next step. */
    public void advance() {
        root.setAttributeNS(null, "current", String.valueOf(current() + 1));
    }

    /**
     * Puts a new step into the route before the step now numbered {@code number} (or at the end).
     *
     * @param note who added it and why, for people
     */
    public void insertStep(int number, Step step, String note) {
        Element route = only("route");
        List<Element> steps = children(route, "step");
        Element added = document.createElementNS(NS, "step");
        writeStep(added, new Step(0, step.to(), step.role(), step.program(), note));
        route.insertBefore(added, number - 1 < steps.size() ? steps.get(number - 1) : null);
    }

    /** Says who a step goes to: a role's holder, or the delegate of someone away. */
    public void assign(int number, String to, String note) {
        Element step = children(only("route"), "step").get(number - 1);
        step.setAttributeNS(null, "to", to.toLowerCase(Locale.ROOT));
        step.setAttributeNS(null, "note", note);
    }

    public List<Signoff> signoffs() {
        List<Signoff> signoffs = new ArrayList<>();
        for (Element signoff : children(only("signoffs"), "signoff")) {
            signoffs.add(readSignoff(signoff, signoffs.size()));
        }
        return List.copyOf(signoffs);
    }

    public List<Delegation> delegations() {
        List<Delegation> delegations = new ArrayList<>();
        for (Element delegation : children(only("delegations"), "delegation")) {
            try {
                delegations.add(new Delegation(delegation.getAttributeNS(null, ID), delegation.getAttributeNS(null, "from"),
                        delegation.getAttributeNS(null, "to"), Instant.parse(delegation.getAttributeNS(null, "until"))));
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException("a delegation of the form has no valid end", e);
            }
        }
        return List.copyOf(delegations);
    }

    /**
     * Takes a standing delegation, signed by its giver ({@link FormSignatures#delegation}), into
     * the form, where the verifier finds it; one already there is not taken twice.
     */
    public void addDelegation(byte[] signedDelegation) {
        Document other;
        try {
            other = newBuilder().parse(new ByteArrayInputStream(signedDelegation));
        } catch (SAXException | IOException e) {
            throw new IllegalArgumentException("not a delegation: " + e.getMessage(), e);
        }
        Element delegation = other.getDocumentElement();
        if (!NS.equals(delegation.getNamespaceURI()) || !"delegation".equals(delegation.getLocalName())) {
            throw new IllegalArgumentException("not a delegation: " + delegation.getNodeName());
        }
        String id = delegation.getAttributeNS(null, ID);
        if (delegations().stream().anyMatch(d -> d.id().equals(id))) {
            return;
        }
        only("delegations").appendChild(document.importNode(delegation, true));
        markIds();
    }

    /** An empty form document holding only this delegation, for checking it on its own. */
    static Form holding(byte[] signedDelegation) {
        Document document = newBuilder().newDocument();
        Element root = document.createElementNS(NS, "form");
        document.appendChild(root);
        root.setAttributeNS(XMLConstants.XMLNS_ATTRIBUTE_NS_URI, "xmlns", NS);
        child(root, "delegations");
        Form form = new Form(document);
        form.addDelegation(signedDelegation);
        if (form.delegations().size() != 1) {
            throw new IllegalArgumentException("not a delegation");
        }
        return form;
    }

    /** The route, the step it waits at marked, and the sign-offs as the document states them (unchecked), for people. */
    public String routeAndSignoffs() {
        StringBuilder text = new StringBuilder("Route:\n");
        for (Step step : route()) {
            text.append(String.format("  %s %d. %s%s%n", step.number() == current() && !rejected() ? ">" : " ", step.number(),
                    step.describe(), step.note().isEmpty() ? "" : "  (" + step.note() + ")"));
        }
        text.append("Sign-offs (checked by form verify):\n");
        for (Signoff signoff : signoffs()) {
            text.append("  ").append(signoff.decision().wire()).append(" by ").append(signoff.by()).append(" at ").append(signoff.at())
                    .append(signoff.comment().isEmpty() ? "" : ": " + signoff.comment())
                    .append(signoff.delegate().isEmpty() ? "" : " -> " + signoff.delegate()).append('\n');
        }
        return text.append(summary()).append('\n').toString();
    }

    /** One line for people: type, id and where it stands. */
    public String summary() {
        String state = rejected() ? "rejected" : currentStep().map(s -> "waiting at step " + s.number() + ": " + s.describe())
                .orElse("route done");
        return type() + " " + id() + ", " + signoffs().size() + " sign-off(s), " + state;
    }

    Document document() {
        return document;
    }

    Element signoffsElement() {
        return only("signoffs");
    }

    List<Element> signoffElements() {
        return children(only("signoffs"), "signoff");
    }

    List<Element> delegationElements() {
        return children(only("delegations"), "delegation");
    }

    /** Declares every {@code Id} attribute an ID, so that signature references find their elements. */
    void markIds() {
        NodeList all = document.getElementsByTagNameNS("*", "*");
        for (int i = 0; i < all.getLength(); i++) {
            Element element = (Element) all.item(i);
            if (element.hasAttributeNS(null, ID)) {
                element.setIdAttributeNS(null, ID, true);
            }
        }
    }

    static Signoff readSignoff(Element signoff, int index) {
        try {
            return new Signoff(index, signoff.getAttributeNS(null, "by"), Integer.parseInt(signoff.getAttributeNS(null, "step")),
                    Decision.parse(signoff.getAttributeNS(null, "decision")), Instant.parse(signoff.getAttributeNS(null, "at")),
                    signoff.getAttributeNS(null, "comment"), signoff.getAttributeNS(null, "delegate"));
        } catch (IllegalArgumentException | DateTimeParseException e) {
            throw new IllegalArgumentException("sign-off " + index + " of the form is malformed: " + e.getMessage(), e);
        }
    }

    private static void writeStep(Element element, Step step) {
        if (!step.to().isEmpty()) {
            element.setAttributeNS(null, "to", step.to());
        }
        if (step.isRole()) {
            element.setAttributeNS(null, "role", step.role());
        }
        if (step.program()) {
            element.setAttributeNS(null, "program", "true");
        }
        if (!step.note().isEmpty()) {
            element.setAttributeNS(null, "note", step.note());
        }
    }

    private Element only(String name) {
        List<Element> found = children(root, name);
        return found.size() == 1 ? found.get(0) : null;
    }

    static Element child(Element parent, String name) {
        Element child = parent.getOwnerDocument().createElementNS(NS, name);
        parent.appendChild(child);
        return child;
    }

    static List<Element> children(Element parent, String name) {
        List<Element> found = new ArrayList<>();
        for (Node node = parent.getFirstChild(); node != null; node = node.getNextSibling()) {
            if (node instanceof Element element && NS.equals(element.getNamespaceURI()) && name.equals(element.getLocalName())) {
                found.add(element);
            }
        }
        return found;
    }

    static DocumentBuilder newBuilder() {
        try {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setNamespaceAware(true);
            factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            factory.setExpandEntityReferences(false);
            factory.setXIncludeAware(false);
            return factory.newDocumentBuilder();
        } catch (ParserConfigurationException e) {
            throw new IllegalStateException("no secure XML parser", e);
        }
    }
}
