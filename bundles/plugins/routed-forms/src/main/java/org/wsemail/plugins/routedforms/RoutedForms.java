package org.wsemail.plugins.routedforms;

import java.io.IOException;
import java.math.BigDecimal;
import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.w3c.dom.Element;
import org.wsemail.api.Address;
import org.wsemail.api.MailMessage;
import org.wsemail.api.MessageFlag;
import org.wsemail.api.ProcessingEnvironment;
import org.wsemail.api.plugin.DeliveryDecision;
import org.wsemail.api.plugin.DeliveryProcessor;
import org.wsemail.api.plugin.ExtensionException;
import org.wsemail.api.plugin.ExtensionProcessor;
import org.wsemail.api.plugin.MailContext;
import org.wsemail.api.plugin.PluginXml;
import org.wsemail.api.plugin.SendingDecision;
import org.wsemail.api.plugin.SendingProcessor;
import org.wsemail.api.plugin.SubmissionException;
import org.wsemail.api.plugin.WsemailExtension;
import org.wsemail.api.plugin.WsemailPlugin;
import org.wsemail.api.server.TrustedRoots;
import org.wsemail.forms.Form;
import org.wsemail.forms.FormVerifier;
import org.wsemail.plugins.routedforms.ClientPluginLibrary.Published;

/**
 * Routed forms on the server (the paper's section 4.2), a composite plug-in:
 * <ul>
 * <li>sending, for this domain's users: a step that names a role goes to the role's holder
 * ({@code wsemail:role-add}), recorded in the route; a requisition whose total is over
 * {@code requisition.threshold} also goes to the {@code purchasing.role}, before the step it was
 * sent to;</li>
 * <li>delivery: a form for a user who is away goes on to their delegate, with the delegation the
 * user signed; a form for one of the {@code program.addresses} is the receiving program's (Figure
 * 13): it verifies the whole form (every sign-off, each signer's certificate against this server's
 * trusted roots and their domain bindings), files it and answers the submitter;</li>
 * <li>the {@code routed-forms} extension: {@code <plugins/>} lists the client plug-ins this domain
 * publishes; {@code <directory/>} answers the caller's directory record (autofill);
 * {@code <away delegation="BASE64"/>} and {@code <back/>} set and clear the caller's absence.</li>
 * </ul>
 */
@Component(service = {SendingProcessor.class, DeliveryProcessor.class, ExtensionProcessor.class}, configurationPid = RoutedForms.PID)
@WsemailPlugin(name = "routed-forms")
@WsemailExtension(id = "routed-forms")
@Designate(ocd = RoutedForms.Config.class)
public class RoutedForms implements SendingProcessor, DeliveryProcessor, ExtensionProcessor {
    static final String PID = "org.wsemail.plugins.routedforms";
    static final String REQUISITION = "requisition";
    private static final Logger LOG = LoggerFactory.getLogger(RoutedForms.class);

    @ObjectClassDefinition(name = "WSEmail routed forms")
    public @interface Config {
        @AttributeDefinition(name = "Public URL", description = "This server's HTTPS root as clients reach it, where client"
                + " plug-ins are served (e.g. https://mail.a.example:8443); empty: https://<domain>:8443")
        String public_url() default "";

        @AttributeDefinition(name = "Requisition threshold", description = "A requisition whose total is over this also goes to purchasing")
        String requisition_threshold() default "5000";

        @AttributeDefinition(name = "Purchasing role", description = "The role that approves requisitions over the threshold")
        String purchasing_role() default "purchasing";

        @AttributeDefinition(name = "Program addresses", description = "Addresses (users of this domain) whose forms the receiving"
                + " program verifies and files instead of their mailbox")
        String[] program_addresses() default {};
    }

    private final MailContext context;
    private final Organization organization;
    private final ClientPluginLibrary library;
    private final TrustedRoots roots;
    private final Clock clock;
    private final BigDecimal threshold;
    private final String purchasing;
    private final Set<Address> programs;
    private final FormVerifier verifier = new FormVerifier();

    @Activate
    public RoutedForms(Config config, @Reference MailContext context, @Reference Organization organization,
            @Reference ClientPluginLibrary library, @Reference TrustedRoots roots) {
        this(config, context, organization, library, roots, Clock.systemUTC());
    }

    RoutedForms(Config config, MailContext context, Organization organization, ClientPluginLibrary library, TrustedRoots roots,
            Clock clock) {
        this.context = context;
        this.organization = organization;
        this.library = library;
        this.roots = roots;
        this.clock = clock;
        try {
            this.threshold = new BigDecimal(config.requisition_threshold().trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("requisition.threshold is not a number: " + config.requisition_threshold(), e);
        }
        this.purchasing = config.purchasing_role().trim().toLowerCase(Locale.ROOT);
        this.programs = java.util.Arrays.stream(config.program_addresses()).map(String::trim).filter(a -> !a.isEmpty())
                .map(Address::parse).collect(Collectors.toUnmodifiableSet());
    }

    /** This server's HTTPS root for clients, from the configuration. */
    static URI base(Config config, MailContext context) {
        String url = config.public_url().isBlank() ? "https://" + context.domain() + ":8443" : config.public_url().trim();
        while (url.endsWith("/")) {
            url = url.substring(0, url.length() - 1);
        }
        URI base = URI.create(url);
        if (!"https".equals(base.getScheme())) {
            throw new IllegalArgumentException("public.url must be an https URL, not " + url);
        }
        return base;
    }

    @Override
    public SendingDecision process(MailMessage message, ProcessingEnvironment env) {
        Optional<Form> attached;
        try {
            attached = FormAttachment.of(message);
        } catch (IllegalArgumentException e) {
            return SendingDecision.reject("the form attached is not readable: " + e.getMessage());
        }
        if (attached.isEmpty() || !env.isLocalUser()) {
            return SendingDecision.accept();
        }
        Form form = attached.get();
        if (form.currentStep().isEmpty()) {
            return SendingDecision.accept();
        }
        boolean rerouted = false;
        if (REQUISITION.equals(form.type()) && form.number("total").map(t -> t.compareTo(threshold) > 0).orElse(false)
                && form.route().stream().noneMatch(s -> purchasing.equals(s.role()))) {
            int at = form.current();
            form.insertStep(at, Form.Step.role(purchasing), "added by " + context.domain() + ": the total "
                    + form.data().get("total") + " is over " + threshold.toPlainString());
            rerouted = true;
            LOG.info("Requisition {} over {}: routed to role {} first", form.id(), threshold.toPlainString(), purchasing);
        }
        Form.Step step = form.currentStep().orElseThrow();
        if (step.isRole() && step.to().isEmpty()) {
            List<Address> holders = organization.holders(step.role());
            if (holders.isEmpty()) {
                return SendingDecision.reject("no one at " + context.domain() + " holds the role " + step.role()
                        + " that the form goes to next (wsemail:role-add " + step.role() + " ADDRESS); nothing was sent");
            }
            form.assign(step.number(), holders.get(0).toString(), "role " + step.role() + " mapped by " + context.domain());
            rerouted = true;
        }
        if (!rerouted) {
            return SendingDecision.accept();
        }
        Address next = Address.parse(form.currentStep().orElseThrow().to());
        return SendingDecision.accept(FormAttachment.with(message, form).toBuilder().recipients(List.of(next)).build());
    }

    @Override
    public DeliveryDecision deliver(MailMessage message, Address recipient, ProcessingEnvironment env) throws SubmissionException {
        Optional<Form> attached;
        try {
            attached = FormAttachment.of(message);
        } catch (IllegalArgumentException e) {
            return DeliveryDecision.pass();
        }
        if (attached.isEmpty()) {
            return DeliveryDecision.pass();
        }
        Form form = attached.get();
        if (programs.contains(recipient)) {
            return file(form, recipient);
        }
        Optional<Form.Step> step = form.currentStep();
        Optional<Organization.Away> away = organization.away(recipient, clock.instant());
        if (step.isEmpty() || away.isEmpty() || !step.get().to().equals(recipient.toString())) {
            return DeliveryDecision.pass();
        }
        Address delegate = away.get().delegate();
        form.addDelegation(away.get().signedDelegation());
        form.assign(step.get().number(), step.get().to(), "forwarded by " + context.domain() + " to " + delegate + ", who signs for "
                + recipient + " while away");
        MailMessage forwarded = FormAttachment.with(message, form).toBuilder().messageId(java.util.UUID.randomUUID().toString()).timestamp(clock.instant()).sender(recipient)
                .recipients(List.of(delegate)).build();
        context.submit(forwarded);
        LOG.info("Form {} for {}, who is away, forwarded to {}", form.id(), recipient, delegate);
        return DeliveryDecision.consume("forwarded to " + delegate + ", the delegate of " + recipient + " while away");
    }

    /** The receiving program: verifies the whole form, files it, and tells the submitter. */
    private DeliveryDecision file(Form form, Address program) throws SubmissionException {
        FormVerifier.Verification verification = verifier.verify(form, this::trusted, clock.instant());
        Optional<Form.Step> step = form.currentStep();
        boolean atProgram = step.isPresent() && step.get().program() && step.get().to().equals(program.toString());
        boolean filed = verification.verified() && atProgram;
        String submitter = verification.findings().isEmpty() ? "" : verification.findings().get(0).signoff().by();
        String line = (filed ? "FILED " : "REFUSED ") + form.type() + " from " + submitter + ", " + form.signoffs().size()
                + " sign-off(s)" + form.number("total").map(t -> ", total " + t.toPlainString()).orElse("")
                + (atProgram ? "" : ", not at its last step") + (verification.verified() ? "" : ", not verified");
        organization.file(form.id(), line);
        LOG.info("Receiving program {}: form {} {}", program, form.id(), line);
        if (!submitter.isEmpty()) {
            context.submit(MailMessage.builder().sender(program).recipient(Address.parse(submitter))
                    .subject((filed ? "Filed: " : "Refused: ") + form.type() + " " + form.id())
                    .body(verification.report() + (atProgram ? "" : "\nThe form had not come to its last step.")).flags(EnumSet.of(MessageFlag.BULK))
                    .build());
        }
        return DeliveryDecision.consume(filed ? "filed by the receiving program" : "refused by the receiving program");
    }

    /** A signer's chain, checked as this server checks any certificate for the signer's domain. */
    private String trusted(List<java.security.cert.X509Certificate> chain, String address, Instant at)
            throws java.security.GeneralSecurityException {
        String domain = address.substring(address.lastIndexOf('@') + 1);
        roots.check(chain, domain);
        return "a root " + context.domain() + " trusts for " + domain;
    }

    @Override
    public Element handle(Element request, ProcessingEnvironment env) throws ExtensionException {
        String what = String.valueOf(request.getLocalName());
        if (!"plugins".equals(what) && !env.isLocalUser()) {
            throw new ExtensionException(ExtensionException.NOT_AUTHORIZED, "only users of " + context.domain() + " may ask that");
        }
        return switch (what) {
            case "plugins" -> plugins();
            case "directory" -> directory(env.caller());
            case "away" -> away(request, env.caller());
            case "back" -> {
                Element answer = PluginXml.answer("back");
                answer.setAttribute("was-away", String.valueOf(organization.clearAway(env.caller())));
                yield answer;
            }
            default -> throw new ExtensionException(ExtensionException.BAD_REQUEST,
                    "send <plugins/>, <directory/>, <away delegation=\"...\"/> or <back/>");
        };
    }

    private Element plugins() throws ExtensionException {
        Element answer = PluginXml.answer("plugins");
        try {
            for (Published published : library.list()) {
                Element plugin = PluginXml.add(answer, "plugin");
                plugin.setAttribute("name", published.coordinates().symbolicName());
                plugin.setAttribute("version", published.coordinates().version());
                plugin.setAttribute("location", published.coordinates().location().toString());
                plugin.setAttribute("sha256", published.coordinates().sha256());
                plugin.setAttribute("signer", published.coordinates().signer());
                plugin.setAttribute("types", String.join(",", published.formTypes()));
            }
        } catch (IOException e) {
            throw new ExtensionException(ExtensionException.EXTENSION_FAILED, "cannot list the client plug-ins now: " + e.getMessage());
        }
        return answer;
    }

    private Element directory(Address caller) throws ExtensionException {
        Map<String, String> record = organization.directory(caller);
        if (record.isEmpty()) {
            throw new ExtensionException(ExtensionException.BAD_REQUEST, context.domain() + "'s directory has no record for " + caller);
        }
        Element answer = PluginXml.answer("record");
        record.forEach(answer::setAttribute);
        return answer;
    }

    private Element away(Element request, Address caller) throws ExtensionException {
        Form.Delegation delegation;
        byte[] signed;
        try {
            signed = Base64.getDecoder().decode(request.getAttribute("delegation"));
            delegation = verifier.verifyDelegation(signed, this::trusted, clock.instant());
        } catch (IllegalArgumentException e) {
            throw new ExtensionException(ExtensionException.BAD_REQUEST, e.getMessage());
        }
        if (!delegation.from().equals(caller.toString())) {
            throw new ExtensionException(ExtensionException.NOT_AUTHORIZED, "the delegation is " + delegation.from() + "'s, not yours");
        }
        Address delegate = Address.parse(delegation.to());
        organization.setAway(caller, new Organization.Away(delegate, delegation.until(), signed));
        LOG.info("{} is away until {}; forms go to {}", caller, delegation.until(), delegate);
        Element answer = PluginXml.answer("away");
        answer.setAttribute("delegate", delegate.toString());
        answer.setAttribute("until", delegation.until().toString());
        return answer;
    }
}
