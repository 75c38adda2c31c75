import { AppError } from "@propdesk/domain";
import { parseCsv } from "@propdesk/domain/reconciliation";
import { describe, expect, it } from "vitest";
import { bankWireCsv, endToEndIdOf, ibanValid, parseBankConfirmation } from "./bank-wire-file";

const items = [
  {
    endToEndId: "PO-AAAA2222-1",
    beneficiaryName: "Jane Trader",
    iban: "DE89370400440532013000",
    bic: "COBADEFFXXX",
    amount: 123_456n,
    currency: "EUR",
    remittance: "Payout PO-AAAA2222",
  },
  {
    endToEndId: "PO-BBBB3333-2",
    beneficiaryName: '=HYPERLINK("http://evil")',
    iban: "GB29NWBK60161331926819",
    bic: "NWBKGB2L",
    amount: 5n,
    currency: "EUR",
    remittance: "Payout PO-BBBB3333",
  },
];
const originator = { name: "Firm, Ltd", iban: "GB82WEST12345698765432", bic: "WESTGB2L" };

function issuesOf(f: () => unknown): string[] {
  try {
    f();
  } catch (e) {
    if (e instanceof AppError) return e.issues.map((i) => i.message);
    throw e;
  }
  throw new Error("expected a refusal");
}

describe("bank wire files", () => {
  it("export one row per payment with decimal amounts, CRLF, quoting, and formulas defused", () => {
    const csv = bankWireCsv({ items, originator, executionDate: "2026-03-02" });
    expect(csv.endsWith("\r\n")).toBe(true);
    const rows = parseCsv(csv).map((r) => r.fields);
    expect(rows[0]).toEqual([
      "end_to_end_id",
      "beneficiary_name",
      "beneficiary_iban",
      "beneficiary_bic",
      "amount",
      "currency",
      "remittance_information",
      "requested_execution_date",
      "debtor_name",
      "debtor_iban",
      "debtor_bic",
    ]);
    expect(rows[1]).toEqual([
      "PO-AAAA2222-1",
      "Jane Trader",
      "DE89370400440532013000",
      "COBADEFFXXX",
      "1234.56",
      "EUR",
      "Payout PO-AAAA2222",
      "2026-03-02",
      "Firm, Ltd",
      "GB82WEST12345698765432",
      "WESTGB2L",
    ]);
    expect(rows[2]![1]).toBe('\'=HYPERLINK("http://evil")');
    expect(rows[2]![4]).toBe("0.05");
  });

  it("end-to-end ids fit the 35 characters banks carry", () => {
    expect(endToEndIdOf("PO-7K2M9QXA", 3)).toBe("PO-7K2M9QXA-3");
    expect(() => endToEndIdOf("X".repeat(40), 1)).toThrow(/longer than 35/);
  });

  const batch = {
    reference: "WB-TEST0001",
    items: items.map((i) => ({ endToEndId: i.endToEndId, amount: i.amount, currency: i.currency })),
  };

  it("read the bank's confirmation: settled and rejected rows, common header spellings", () => {
    const text = [
      "EndToEndId;TxSts;Amount;Ccy;Booking_Date;AcctSvcrRef;Status_Reason",
      "PO-AAAA2222-1;ACSC;1234.56;EUR;2026-03-03;BK-1;",
      "PO-BBBB3333-2;RJCT;0.05;eur;2026-03-03;BK-2;AC04 account closed",
    ].join("\n");
    // Semicolon files are common in banking; the header names differ from ours but map.
    const rows = parseBankConfirmation(text.replaceAll(";", ","), batch);
    expect(rows).toEqual([
      expect.objectContaining({
        endToEndId: "PO-AAAA2222-1",
        outcome: "settled",
        amount: 123_456n,
        bankReference: "BK-1",
      }),
      expect.objectContaining({
        endToEndId: "PO-BBBB3333-2",
        outcome: "rejected",
        currency: "EUR",
        reason: "AC04 account closed",
      }),
    ]);
  });

  it("refuse a confirmation with any bad row, naming its line and column", () => {
    const text = [
      "end_to_end_id,status,amount,currency,value_date,bank_reference,reason",
      "PO-AAAA2222-1,ACSC,1234.55,EUR,2026-03-03,BK-1,",
      "PO-ZZZZ9999-1,ACSC,1.00,EUR,2026-03-03,BK-2,",
      "PO-BBBB3333-2,PENDING,0.05,EUR,2026-03-03,BK-3,",
      "PO-BBBB3333-2,RJCT,0.05,USD,03/03/2026,BK-4,",
      "PO-AAAA2222-1,ACSC,1234.56,EUR,2026-03-03,BK-5,",
    ].join("\r\n");
    expect(issuesOf(() => parseBankConfirmation(text, batch))).toEqual([
      'line 2, column "amount": is 1234.55, the payment was for 1234.56',
      'line 3, column "end_to_end_id": "PO-ZZZZ9999-1" is not a payment of batch WB-TEST0001',
      'line 4, column "status": "PENDING" is not ACSC, ACCC (settled) or RJCT (rejected)',
      'line 5, column "end_to_end_id": "PO-BBBB3333-2" was already confirmed on row 3',
      'line 5, column "value_date": "03/03/2026" is not a date like 2026-03-01',
      'line 5, column "reason": a rejected payment needs the bank\'s reason',
      'line 6, column "end_to_end_id": "PO-AAAA2222-1" was already confirmed on row 1',
    ]);
    expect(issuesOf(() => parseBankConfirmation("end_to_end_id,status\r\n", batch))[0]).toMatch(
      /no column "amount" or "instructed_amount" for amount/,
    );
  });

  it("check IBANs by their mod-97 digits", () => {
    expect(ibanValid("DE89 3704 0044 0532 0130 00")).toBe(true);
    expect(ibanValid("GB82WEST12345698765432")).toBe(true);
    expect(ibanValid("GB82WEST12345698765433")).toBe(false);
    expect(ibanValid("not an iban")).toBe(false);
  });
});
