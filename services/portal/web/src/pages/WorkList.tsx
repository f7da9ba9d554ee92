export function WorkList(_props: { regional?: boolean }) {
  return <div>WorkList</div>;
}
