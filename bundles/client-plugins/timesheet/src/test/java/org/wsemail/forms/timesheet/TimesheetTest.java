package org.wsemail.forms.timesheet;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.util.Map;

import org.junit.Test;

public class TimesheetTest {
    private final Timesheet timesheet = new Timesheet();

    @Test
    public void totalHoursAddUpAndAutofillTakesTheDirectoryRecord() throws Exception {
        assertTrue(timesheet.autofills());
        Map<String, String> filled = timesheet.autofill(() -> Map.of("name", "Kevin Lux", "title", "Coder", "department", "CIS",
                "salary", "not a field"));
        assertEquals(Map.of("name", "Kevin Lux", "title", "Coder", "department", "CIS"), filled);
        Map<String, String> data = timesheet.complete(Map.of("name", "Kevin Lux", "department", "CIS", "period-ending", "2026-12-04",
                "regular-hours", "30", "overtime-hours", "15", "pto-hours", "5"));
        assertEquals("50", data.get("total-hours"));
        assertTrue(timesheet.validate(data).isEmpty());
    }

    @Test
    public void aBadDateAndTooManyHoursAreRefused() {
        Map<String, String> data = timesheet.complete(Map.of("name", "K", "department", "CIS", "period-ending", "Friday",
                "regular-hours", "200"));
        assertEquals(2, timesheet.validate(data).size());
    }
}
