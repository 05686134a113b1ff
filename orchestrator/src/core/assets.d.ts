// Bun imports text files (the system prompt) as strings.
declare module "*.md" {
  const text: string;
  export default text;
}
