/** The console's shell: sign-in gate, navigation bar, and the screen for the current route. */
import { useEffect, useState } from 'preact/hooks';
import { onUnauthorized, token } from './api/client';
import { href, navigate, useRoute } from './router';
import { CampaignPage } from './screens/campaign-page';
import { CampaignsScreen } from './screens/campaigns';
import { ChannelPage } from './screens/channel-page';
import { ChannelsScreen } from './screens/channels';
import { ContactPage } from './screens/contact-page';
import { ContactsScreen } from './screens/contacts';
import { NewCampaign } from './screens/new-campaign';
import { SignIn } from './screens/sign-in';

export function App() {
  const [signedIn, setSignedIn] = useState(() => token.get() !== null);
  const [expired, setExpired] = useState(false);
  const route = useRoute();

  useEffect(
    () =>
      onUnauthorized(() => {
        token.clear();
        setExpired(true);
        setSignedIn(false);
      }),
    [],
  );

  if (!signedIn) {
    return (
      <SignIn
        expired={expired}
        onSignedIn={() => {
          setExpired(false);
          setSignedIn(true);
        }}
      />
    );
  }

  const section = route.parts[0] ?? 'campaigns';
  return (
    <>
      <a class="skip" href="#main" onClick={(event) => (event.preventDefault(), document.getElementById('main')?.focus())}>
        Skip to content
      </a>
      <header class="top">
        <span class="brand">Campaign engine</span>
        <nav aria-label="Main">
          {(['campaigns', 'contacts', 'channels'] as const).map((name) => (
            <a key={name} href={href(`/${name}`)} aria-current={section === name ? 'page' : undefined}>
              {name[0].toUpperCase() + name.slice(1)}
            </a>
          ))}
        </nav>
        <button
          type="button"
          class="link-button"
          onClick={() => {
            token.clear();
            setSignedIn(false);
            navigate('/campaigns');
          }}
        >
          Sign out
        </button>
      </header>
      <main id="main" tabIndex={-1}>
        <Screen parts={route.parts} params={route.params} />
      </main>
    </>
  );
}

function Screen({ parts, params }: { parts: string[]; params: URLSearchParams }) {
  const [section, id] = parts;
  switch (section) {
    case 'channels':
      return id ? <ChannelPage key={id} id={id} /> : <ChannelsScreen />;
    case 'contacts':
      return id ? <ContactPage key={id} id={id} /> : <ContactsScreen />;
    case 'campaigns':
    case undefined:
      if (id === 'new') return <NewCampaign key={params.toString()} params={params} />;
      return id ? <CampaignPage key={id} id={id} /> : <CampaignsScreen />;
    default:
      return <p class="notice">There is no page “{parts.join('/')}”. Use the navigation above.</p>;
  }
}
