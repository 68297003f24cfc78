package org.wsemail.endpoint.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.util.List;

import org.apache.cxf.binding.soap.Soap11;
import org.apache.cxf.binding.soap.SoapFault;
import org.apache.cxf.binding.soap.SoapMessage;
import org.apache.cxf.interceptor.Fault;
import org.apache.cxf.message.ExchangeImpl;
import org.apache.cxf.message.MessageImpl;
import org.apache.cxf.ws.policy.AssertionInfoMap;
import org.apache.cxf.ws.policy.PolicyException;
import org.apache.neethi.builders.PrimitiveAssertion;
import org.apache.wss4j.policy.SP12Constants;
import org.junit.Test;

public class LoginIntentTest {
    private static SoapMessage request() {
        SoapMessage message = new SoapMessage(new MessageImpl());
        message.setVersion(Soap11.getInstance());
        message.setExchange(new ExchangeImpl());
        message.getExchange().setInMessage(message);
        return message;
    }

    @Test
    public void aRequestIsRefusedUnlessTheEndpointsSecurityPolicyIsInForce() {
        SoapMessage unchecked = request();
        try {
            new LoginIntent.PolicyInForce().handleMessage(unchecked);
            fail("a request was let through without the endpoint's policy");
        } catch (SoapFault expected) {
            assertEquals("This endpoint's security policy is not in force; the request was refused", expected.getMessage());
        }
        SoapMessage otherPolicy = request();
        otherPolicy.put(AssertionInfoMap.class, new AssertionInfoMap(List.of(new PrimitiveAssertion(SP12Constants.INCLUDE_TIMESTAMP))));
        try {
            new LoginIntent.PolicyInForce().handleMessage(otherPolicy);
            fail("a request was let through under a policy without a security binding");
        } catch (SoapFault expected) {
            assertTrue(expected.getMessage().contains("not in force"));
        }

        SoapMessage checked = request();
        checked.put(AssertionInfoMap.class, new AssertionInfoMap(List.of(new PrimitiveAssertion(SP12Constants.TRANSPORT_BINDING))));
        new LoginIntent.PolicyInForce().handleMessage(checked);
    }

    @Test
    public void aRequestThePolicyRefusedGetsTheOneSecurityFaultNotWhatItLacked() {
        SoapMessage answer = request();
        Fault fault = new Fault(new PolicyException(new org.apache.cxf.common.i18n.Message(
                "These policy alternatives can not be satisfied: {sp}UsernameToken", (java.util.ResourceBundle) null)));
        answer.setContent(Exception.class, fault);

        new LoginIntent.PolicyFaults().handleMessage(answer);

        assertEquals(SecurityFaults.refused().getMessage(), fault.getMessage());
        assertEquals(SecurityFaults.refused().getFaultCode(), fault.getFaultCode());

        Fault other = new Fault(new IllegalStateException("the mailbox is full"));
        answer.setContent(Exception.class, other);
        new LoginIntent.PolicyFaults().handleMessage(answer);
        assertEquals("the mailbox is full", other.getMessage());
    }
}
