export { LEDGER_TABLE_DEFAULTS, LedgerTable, type LedgerTableProps } from "./ledger-table.js";
export { ledgerTablesKey } from "./tables-key.js";
