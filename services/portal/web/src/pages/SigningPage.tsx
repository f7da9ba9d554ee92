export function SigningPage(_props: { regional?: boolean }) {
  return <div>SigningPage</div>;
}
