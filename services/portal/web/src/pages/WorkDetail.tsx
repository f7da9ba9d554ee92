export function WorkDetail(_props: { regional?: boolean }) {
  return <div>WorkDetail</div>;
}
