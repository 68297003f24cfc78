package org.wsemail.forms.requisition;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.util.Map;

import org.junit.Test;

public class RequisitionTest {
    private final Requisition requisition = new Requisition();

    @Test
    public void theTotalIsQuantityTimesUnitPrice() {
        Map<String, String> data = requisition.complete(Map.of("vendor", "ACME", "account", "4711", "description", "chairs",
                "quantity", "30", "unit-price", "400.50", "total", "1"));
        assertEquals("12015.00", data.get("total"));
        assertTrue(requisition.validate(data).isEmpty());
        assertFalse("a requisition fills nothing from the directory, so no consent is asked", requisition.autofills());
    }

    @Test
    public void missingAndNegativeFieldsAreNamed() {
        Map<String, String> data = requisition.complete(Map.of("vendor", "ACME", "quantity", "-2", "unit-price", "3"));
        assertEquals(String.join("; ", requisition.validate(data)), 3, requisition.validate(data).size());
        assertTrue(requisition.validate(data).contains("quantity must be more than 0, not -2"));
    }
}
