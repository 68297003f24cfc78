package org.wsemail.wire;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.GregorianCalendar;
import java.util.List;
import java.util.Set;
import java.util.TimeZone;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

import javax.xml.bind.JAXBContext;
import javax.xml.bind.JAXBElement;
import javax.xml.bind.JAXBException;
import javax.xml.bind.Marshaller;
import javax.xml.bind.Unmarshaller;
import javax.xml.datatype.DatatypeConfigurationException;
import javax.xml.datatype.DatatypeFactory;
import javax.xml.datatype.XMLGregorianCalendar;
import javax.xml.namespace.QName;
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
import org.xml.sax.ErrorHandler;
import org.xml.sax.InputSource;
import org.xml.sax.SAXException;
import org.xml.sax.SAXParseException;
import org.wsemail.api.Address;
import org.wsemail.api.Attachment;
import org.wsemail.api.MailMessage;
import org.wsemail.api.MessageFlag;
import org.wsemail.api.plugin.PluginXml;
import org.wsemail.wire.soap.Flag;
import org.wsemail.wire.soap.Message;
import org.wsemail.wire.soap.OnDemand;
import org.wsemail.wire.soap.ObjectFactory;

/**
 * Converts messages between the model ({@link MailMessage}) and the contract's XML: the generated
 * {@link Message} type and the {@code message} element as a DOM tree (the form that is signed,
 * stored and relayed). Thread-safe; create one and share it (a JAXB context is costly to build).
 */
public final class MessageCodec {
    /** The namespace of the WSEmail contract. */
    public static final String NAMESPACE = "http://wsemail.org/2026/mail";
    /** The message element. */
    public static final QName MESSAGE = new QName(NAMESPACE, "message");

    /** Parse errors become exceptions only; the parser's default also prints them on standard error. */
    private static final ErrorHandler SILENT = new ErrorHandler() {
        @Override
        public void warning(SAXParseException e) {
        }

        @Override
        public void error(SAXParseException e) throws SAXParseException {
            throw e;
        }

        @Override
        public void fatalError(SAXParseException e) throws SAXParseException {
            throw e;
        }
    };
    /** The attribute naming the message element, which the server's signature references. */
    public static final String ID_ATTRIBUTE = "Id";

    private final JAXBContext context;
    private final DatatypeFactory datatypes;
    private final DocumentBuilderFactory documents;
    /** Looked up once: finding a factory is a service lookup, and this runs for every message. */
    private final TransformerFactory transformers;
    /**
     * Parsers between uses, at most 16 of them: creating a parser costs nearly as much as parsing a
     * 3 KB message with it (7 and 9 µs, measured apart).
     */
    private final BlockingQueue<DocumentBuilder> parsers = new ArrayBlockingQueue<>(16);

    public MessageCodec() {
        try {
            this.context = JAXBContext.newInstance(ObjectFactory.class);
            this.datatypes = DatatypeFactory.newInstance();
        } catch (JAXBException | DatatypeConfigurationException e) {
            throw new IllegalStateException("cannot set up the WSEmail XML binding", e);
        }
        this.documents = secureDocumentBuilderFactory();
        this.transformers = TransformerFactory.newInstance();
        try {
            transformers.setFeature(javax.xml.XMLConstants.FEATURE_SECURE_PROCESSING, true);
        } catch (javax.xml.transform.TransformerConfigurationException e) {
            throw new IllegalStateException("the XML writer cannot be made safe", e);
        }
    }

    /** A namespace-aware parser factory that resolves no external entities or DTDs (the plug-ins' one). */
    public static DocumentBuilderFactory secureDocumentBuilderFactory() {
        return PluginXml.secureDocumentBuilderFactory();
    }

    /** The wire form of a message. */
    public Message toWire(MailMessage message) {
        Message wire = new Message();
        wire.setMessageId(message.messageId());
        wire.setSender(message.sender().toString());
        for (Address recipient : message.recipients()) {
            wire.getRecipient().add(recipient.toString());
        }
        wire.setSubject(message.subject());
        wire.setBody(message.body());
        wire.setTimestamp(toXml(message.timestamp()));
        for (MessageFlag flag : message.flags()) {
            wire.getFlag().add(Flag.valueOf(flag.name()));
        }
        for (Attachment attachment : message.attachments()) {
            org.wsemail.wire.soap.Attachment a = new org.wsemail.wire.soap.Attachment();
            a.setName(attachment.name());
            a.setContentType(attachment.contentType());
            if (attachment.onDemand().isPresent()) {
                a.setOnDemand(toWire(attachment.onDemand().get()));
            } else {
                a.setContent(attachment.content());
            }
            wire.getAttachment().add(a);
        }
        return wire;
    }

    /**
     * The model form of a message as a client sent it: the server, not the client, decides who the
     * sender is, what the message is called and when it was sent.
     *
     * @throws IllegalArgumentException naming what is wrong, for a fault to the client
     */
    public MailMessage fromClient(Message wire, Address authenticatedSender, String messageId, Instant now) {
        return builder(wire).sender(authenticatedSender).messageId(messageId).timestamp(now).build();
    }

    /**
     * The model form of a message as a server relayed or stored it, with its own sender, id and time.
     *
     * @throws IllegalArgumentException naming what is missing or malformed
     */
    public MailMessage fromWire(Message wire) {
        if (wire.getMessageId() == null || wire.getSender() == null || wire.getTimestamp() == null) {
            throw new IllegalArgumentException("a relayed message needs its messageId, sender and timestamp");
        }
        return builder(wire).messageId(wire.getMessageId()).sender(Address.parse(wire.getSender()))
                .timestamp(wire.getTimestamp().toGregorianCalendar().toInstant()).build();
    }

    private static MailMessage.Builder builder(Message wire) {
        List<Address> recipients = new ArrayList<>();
        for (String recipient : wire.getRecipient()) {
            recipients.add(Address.parse(recipient));
        }
        Set<MessageFlag> flags = EnumSet.noneOf(MessageFlag.class);
        for (Flag flag : wire.getFlag()) {
            if (flag == null) {
                throw new IllegalArgumentException("unknown message flag; known are " + EnumSet.allOf(MessageFlag.class));
            }
            flags.add(MessageFlag.valueOf(flag.name()));
        }
        List<Attachment> attachments = new ArrayList<>();
        for (org.wsemail.wire.soap.Attachment a : wire.getAttachment()) {
            if (a == null || a.getName() == null || a.getContentType() == null) {
                throw new IllegalArgumentException("an attachment needs a name and a content type");
            }
            if (a.getOnDemand() != null) {
                if (a.getContent() != null) {
                    throw new IllegalArgumentException("attachment " + a.getName() + " has both content and an on-demand description");
                }
                attachments.add(Attachment.onDemand(a.getName(), a.getContentType(), fromWire(a.getOnDemand())));
            } else {
                attachments.add(new Attachment(a.getName(), a.getContentType(), a.getContent() == null ? new byte[0] : a.getContent()));
            }
        }
        return MailMessage.builder().recipients(recipients).subject(nullToEmpty(wire.getSubject()))
                .body(nullToEmpty(wire.getBody())).flags(flags).attachments(attachments);
    }

    /** The wire form of an on-demand attachment's description. */
    public static OnDemand toWire(Attachment.OnDemand onDemand) {
        OnDemand wire = new OnDemand();
        wire.setGuid(onDemand.guid());
        wire.setSize(onDemand.size());
        wire.setSha256(onDemand.sha256());
        wire.setVersion(onDemand.version());
        wire.setLocation(onDemand.location() == null ? null : onDemand.location().toString());
        return wire;
    }

    /**
     * The model form of an on-demand attachment's description.
     *
     * @throws IllegalArgumentException if a part is missing or malformed
     */
    public static Attachment.OnDemand fromWire(OnDemand wire) {
        if (wire.getGuid() == null || wire.getSha256() == null || !wire.getSha256().matches("[0-9a-f]{64}")) {
            throw new IllegalArgumentException("an on-demand attachment needs a guid and a SHA-256 in lower-case hex");
        }
        java.net.URI location = null;
        if (wire.getLocation() != null) {
            try {
                location = new java.net.URI(wire.getLocation());
            } catch (java.net.URISyntaxException e) {
                throw new IllegalArgumentException("not a URL: " + wire.getLocation());
            }
            if (!"https".equalsIgnoreCase(location.getScheme())) {
                throw new IllegalArgumentException("an attachment is fetched over https only, not from " + wire.getLocation());
            }
        }
        return new Attachment.OnDemand(wire.getGuid(), wire.getSize(), wire.getSha256(), wire.getVersion(), location);
    }

    private static String nullToEmpty(String text) {
        return text == null ? "" : text;
    }

    /** The message element, in a document of its own, with the given Id for a signature to reference. */
    public Element toElement(MailMessage message, String id) {
        Message wire = toWire(message);
        wire.setId(id);
        try {
            Document document = PluginXml.newDocument();
            Marshaller marshaller = context.createMarshaller();
            marshaller.marshal(new JAXBElement<>(MESSAGE, Message.class, wire), document);
            Element element = document.getDocumentElement();
            element.setIdAttributeNS(null, ID_ATTRIBUTE, true);
            return element;
        } catch (JAXBException e) {
            throw new IllegalStateException("cannot write message " + message.messageId() + " as XML", e);
        }
    }

    /**
     * Reads a message element (signed or not) as the model.
     *
     * @throws IllegalArgumentException if it is not a well-formed WSEmail message
     */
    public MailMessage fromElement(Element element) {
        if (!NAMESPACE.equals(element.getNamespaceURI()) || !MESSAGE.getLocalPart().equals(element.getLocalName())) {
            throw new IllegalArgumentException("not a WSEmail message element: {" + element.getNamespaceURI() + "}"
                    + element.getLocalName());
        }
        try {
            Unmarshaller unmarshaller = context.createUnmarshaller();
            Message wire = unmarshaller.unmarshal(element, Message.class).getValue();
            return fromWire(wire);
        } catch (JAXBException e) {
            throw new IllegalArgumentException("malformed WSEmail message: " + e.getMessage(), e);
        } catch (org.w3c.dom.DOMException e) {
            // JAXB copies unknown content into DOM nodes, which refuses names that are not namespace names (":x").
            throw new IllegalArgumentException("malformed WSEmail message: " + e.getMessage(), e);
        }
    }

    /**
     * Reads signed message XML back as the model, without checking the signature: for XML this
     * server signed itself, or verified when it arrived (the queue's and the mailbox's).
     *
     * @throws IllegalArgumentException if it is not a well-formed WSEmail message
     */
    public MailMessage read(String signedXml) {
        return fromElement(parse(signedXml));
    }

    /** The flags of a message element, read without converting the rest of it. */
    public Set<MessageFlag> flags(Element element) {
        Set<MessageFlag> flags = EnumSet.noneOf(MessageFlag.class);
        for (org.w3c.dom.Node child = element.getFirstChild(); child != null; child = child.getNextSibling()) {
            if (child instanceof Element flag && NAMESPACE.equals(flag.getNamespaceURI()) && "flag".equals(flag.getLocalName())) {
                try {
                    flags.add(MessageFlag.valueOf(flag.getTextContent().trim()));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("unknown message flag '" + flag.getTextContent() + "'", e);
                }
            }
        }
        return flags;
    }

    /**
     * A copy of the element in a document of its own, with the namespace declarations it inherited
     * from its surroundings (a SOAP envelope, say) made its own: the form to verify and to store.
     */
    public Element detached(Element element) {
        Document own = PluginXml.newDocument();
        own.appendChild(own.importNode(element, true));
        own.normalizeDocument();
        return own.getDocumentElement();
    }

    /**
     * Parses message XML as text (no DTDs, no external entities) into a document of its own.
     *
     * @throws IllegalArgumentException if it is not well-formed
     */
    public Element parse(String xml) {
        DocumentBuilder parser = parsers.poll();
        try {
            if (parser == null) {
                parser = documents.newDocumentBuilder();
            }
            parser.setErrorHandler(SILENT);
            Element parsed = parser.parse(new InputSource(new StringReader(xml))).getDocumentElement();
            parser.reset();
            parsers.offer(parser); // dropped if enough are idle already
            return parsed;
        } catch (ParserConfigurationException | SAXException | IOException e) {
            // a parser that failed is dropped, not given back
            throw new IllegalArgumentException("not well-formed XML: " + e.getMessage(), e);
        }
    }

    /** The element as text, byte for byte what a signature over it covers (no declaration, no indenting). */
    public String toText(Element element) {
        try {
            Transformer transformer;
            synchronized (transformers) {
                // A factory is not promised to be thread-safe; each transformer serves one call.
                transformer = transformers.newTransformer();
            }
            transformer.setOutputProperty(OutputKeys.OMIT_XML_DECLARATION, "yes");
            transformer.setOutputProperty(OutputKeys.INDENT, "no");
            StringWriter out = new StringWriter();
            transformer.transform(new DOMSource(element), new StreamResult(out));
            return out.toString();
        } catch (TransformerException e) {
            throw new IllegalStateException("cannot write the XML", e);
        }
    }

    public XMLGregorianCalendar toXml(Instant instant) {
        GregorianCalendar calendar = new GregorianCalendar(TimeZone.getTimeZone("UTC"));
        calendar.setTimeInMillis(instant.toEpochMilli());
        return datatypes.newXMLGregorianCalendar(calendar);
    }
}
