export default function Home() {
  return (
    <main>
      <h1>Pneumatic Chat</h1>
    </main>
  );
}
