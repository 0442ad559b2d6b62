export { NotAJournaledTicketError, printTicketPdf, ticketNamesFrom, ticketQrPayload, type PrintOptions, type TicketNames } from './ticket-pdf.js';
export { findCjkFont, type CjkFont } from './cjk-font.js';
