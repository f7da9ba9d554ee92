export function Verify(_props: { regional?: boolean }) {
  return <div>Verify</div>;
}
