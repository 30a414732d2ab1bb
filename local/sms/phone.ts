/** Keeps the leading digit (country hint) and the last four; logs get pasted into chats and issues. */
export function maskPhone(phone: string): string {
  const match = /^(\+?\d)(\d*)(\d{4})$/.exec(phone);
  if (!match?.[1] || match[2] === undefined || !match[3])
    return phone.length > 4 ? `${'*'.repeat(phone.length - 4)}${phone.slice(-4)}` : '****';
  return `${match[1]}${'*'.repeat(match[2].length)}${match[3]}`;
}
