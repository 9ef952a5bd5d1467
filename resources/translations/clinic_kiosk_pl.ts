<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="pl_PL">
<context>
    <name>CheckInScreen</name>
    <message>
        <location filename="../../ui/screens/check_in.py" line="190"/>
        <source>Checking your code…</source>
        <translation>Sprawdzamy Twój kod…</translation>
    </message>
    <message>
        <location filename="../../ui/screens/check_in.py" line="192"/>
        <source>Please type all %1 numbers of your code.</source>
        <translation>Wpisz wszystkie %1 cyfr kodu.</translation>
    </message>
    <message>
        <location filename="../../ui/screens/check_in.py" line="194"/>
        <source>That code didn&apos;t work. Please check the letter or text message and try again.</source>
        <translation>Ten kod nie zadziałał. Sprawdź list lub SMS-a i spróbuj jeszcze raz.</translation>
    </message>
    <message>
        <location filename="../../ui/screens/check_in.py" line="196"/>
        <source>That code has already been used. Please ask a member of staff at reception.</source>
        <translation>Ten kod został już użyty. Poproś o pomoc pracownika w recepcji.</translation>
    </message>
    <message>
        <location filename="../../ui/screens/check_in.py" line="198"/>
        <source>That code is no longer valid. Please ask a member of staff at reception.</source>
        <translation>Ten kod jest już nieważny. Poproś o pomoc pracownika w recepcji.</translation>
    </message>
    <message>
        <location filename="../../ui/screens/check_in.py" line="200"/>
        <location filename="../../ui/screens/check_in.py" line="202"/>
        <source>Please ask a member of staff at reception. They can check you in.</source>
        <translation>Poproś o pomoc pracownika w recepcji. Pomoże Ci się zarejestrować.</translation>
    </message>
    <message>
        <location filename="../../ui/screens/check_in.py" line="204"/>
        <source>The kiosk can&apos;t reach the clinic just now. Please try again in a minute, or ask a member of staff.</source>
        <translation>Kiosk nie może teraz połączyć się z przychodnią. Spróbuj ponownie za minutę albo poproś o pomoc pracownika.</translation>
    </message>
    <message>
        <location filename="../../ui/screens/check_in.py" line="235"/>
        <source>Type the %1-digit code from your letter or text message.</source>
        <translation>Wpisz %1-cyfrowy kod z listu lub SMS-a.</translation>
    </message>
    <message>
        <location filename="../../ui/screens/check_in.py" line="224"/>
        <source>Are you here to see %1 at %2?</source>
        <translation>Czy Twoja wizyta to: %1, godz. %2?</translation>
    </message>
    <message>
        <location filename="../../ui/screens/check_in.py" line="206"/>
        <source>Sorry, the kiosk lost its link to the clinic. Please type your code again to get back your place.</source>
        <translation>Przepraszamy, kiosk stracił łączność z przychodnią. Wpisz kod jeszcze raz, aby odzyskać swoje miejsce.</translation>
    </message>
    <message>
        <location filename="../../ui/screens/check_in.py" line="229"/>
        <source>Demonstration: the code %1 works today.</source>
        <translation>Pokaz: dziś działa kod %1.</translation>
    </message>
    <message>
        <location filename="../../ui/screens/check_in.py" line="233"/>
        <location filename="../../ui/screens/check_in.py" line="237"/>
        <location filename="../../ui/screens/check_in.py" line="238"/>
        <source>Check in</source>
        <translation>Zarejestruj się</translation>
    </message>
    <message>
        <location filename="../../ui/screens/check_in.py" line="239"/>
        <source>Checks you in with the code you typed.</source>
        <translation>Rejestruje Cię na wizytę za pomocą wpisanego kodu.</translation>
    </message>
    <message>
        <location filename="../../ui/screens/check_in.py" line="241"/>
        <source>A member of staff has set up this kiosk for this appointment.</source>
        <translation>Pracownik przygotował ten kiosk na tę wizytę.</translation>
    </message>
    <message>
        <location filename="../../ui/screens/check_in.py" line="242"/>
        <location filename="../../ui/screens/check_in.py" line="243"/>
        <source>Yes, that&apos;s me</source>
        <translation>Tak, to moja wizyta</translation>
    </message>
    <message>
        <location filename="../../ui/screens/check_in.py" line="243"/>
        <source>Checks you in.</source>
        <translation>Rejestruje Cię na wizytę.</translation>
    </message>
    <message>
        <location filename="../../ui/screens/check_in.py" line="244"/>
        <location filename="../../ui/screens/check_in.py" line="245"/>
        <source>No</source>
        <translation>Nie</translation>
    </message>
    <message>
        <location filename="../../ui/screens/check_in.py" line="246"/>
        <source>Lets you type the code from your letter or text message instead.</source>
        <translation>Pozwala zamiast tego wpisać kod z listu lub SMS-a.</translation>
    </message>
</context>
<context>
    <name>CodeBoxes</name>
    <message>
        <location filename="../../ui/widgets/numpad.py" line="107"/>
        <source>Your code</source>
        <translation>Twój kod</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/numpad.py" line="109"/>
        <source>%1 of %2 numbers typed.</source>
        <translation>Wpisane cyfry: %1 z %2.</translation>
    </message>
</context>
<context>
    <name>ConsultationScreen</name>
    <message>
        <location filename="../../ui/screens/consultation.py" line="182"/>
        <source>the specialist</source>
        <translation>specjalista</translation>
    </message>
    <message>
        <location filename="../../ui/screens/consultation.py" line="184"/>
        <source>Connecting you to %1…</source>
        <translation>Łączymy Cię z: %1…</translation>
    </message>
    <message>
        <location filename="../../ui/screens/consultation.py" line="186"/>
        <source>Waiting for the video from %1…</source>
        <translation>Czekamy na obraz – %1…</translation>
    </message>
    <message>
        <location filename="../../ui/screens/consultation.py" line="189"/>
        <source>Your camera is off</source>
        <translation>Twoja kamera jest wyłączona</translation>
    </message>
    <message>
        <location filename="../../ui/screens/consultation.py" line="189"/>
        <source>Your camera</source>
        <translation>Twoja kamera</translation>
    </message>
    <message>
        <location filename="../../ui/screens/consultation.py" line="192"/>
        <source>Connection: good</source>
        <translation>Połączenie: dobre</translation>
    </message>
    <message>
        <location filename="../../ui/screens/consultation.py" line="193"/>
        <source>Connection: fair. The picture may be less clear.</source>
        <translation>Połączenie: średnie. Obraz może być mniej wyraźny.</translation>
    </message>
    <message>
        <location filename="../../ui/screens/consultation.py" line="195"/>
        <source>Connection: poor. The picture or sound may break up.</source>
        <translation>Połączenie: słabe. Obraz lub dźwięk mogą się przerywać.</translation>
    </message>
    <message>
        <location filename="../../ui/screens/consultation.py" line="197"/>
        <source>Connection: checking…</source>
        <translation>Połączenie: sprawdzamy…</translation>
    </message>
    <message>
        <location filename="../../ui/screens/consultation.py" line="205"/>
        <source>You are muted: the specialist can&apos;t hear you.</source>
        <translation>Mikrofon jest wyciszony: specjalista Cię nie słyszy.</translation>
    </message>
    <message>
        <location filename="../../ui/screens/consultation.py" line="207"/>
        <source>Your camera is off.</source>
        <translation>Twoja kamera jest wyłączona.</translation>
    </message>
    <message>
        <location filename="../../ui/screens/consultation.py" line="214"/>
        <location filename="../../ui/screens/consultation.py" line="216"/>
        <source>Unmute</source>
        <translation>Włącz mikrofon</translation>
    </message>
    <message>
        <location filename="../../ui/screens/consultation.py" line="217"/>
        <source>Your microphone is off. Touch to let the specialist hear you.</source>
        <translation>Mikrofon jest wyłączony. Dotknij, aby specjalista Cię słyszał.</translation>
    </message>
    <message>
        <location filename="../../ui/screens/consultation.py" line="219"/>
        <location filename="../../ui/screens/consultation.py" line="221"/>
        <source>Mute</source>
        <translation>Wycisz</translation>
    </message>
    <message>
        <location filename="../../ui/screens/consultation.py" line="222"/>
        <source>Turns your microphone off so the specialist can&apos;t hear you.</source>
        <translation>Wyłącza mikrofon, więc specjalista nie będzie Cię słyszał.</translation>
    </message>
    <message>
        <location filename="../../ui/screens/consultation.py" line="224"/>
        <location filename="../../ui/screens/consultation.py" line="226"/>
        <source>Turn camera on</source>
        <translation>Włącz kamerę</translation>
    </message>
    <message>
        <location filename="../../ui/screens/consultation.py" line="227"/>
        <source>Your camera is off. Touch to let the specialist see you.</source>
        <translation>Kamera jest wyłączona. Dotknij, aby specjalista Cię widział.</translation>
    </message>
    <message>
        <location filename="../../ui/screens/consultation.py" line="229"/>
        <location filename="../../ui/screens/consultation.py" line="231"/>
        <source>Turn camera off</source>
        <translation>Wyłącz kamerę</translation>
    </message>
    <message>
        <location filename="../../ui/screens/consultation.py" line="232"/>
        <source>Stops the specialist seeing you.</source>
        <translation>Specjalista przestanie Cię widzieć.</translation>
    </message>
    <message>
        <location filename="../../ui/screens/consultation.py" line="233"/>
        <source>Volume: %1%</source>
        <translation>Głośność: %1%</translation>
    </message>
    <message>
        <location filename="../../ui/screens/consultation.py" line="238"/>
        <source>The specialist&apos;s video</source>
        <translation>Obraz od specjalisty</translation>
    </message>
    <message>
        <location filename="../../ui/screens/consultation.py" line="239"/>
        <source>Your camera picture</source>
        <translation>Obraz z Twojej kamery</translation>
    </message>
    <message>
        <location filename="../../ui/screens/consultation.py" line="241"/>
        <source>The connection dropped.</source>
        <translation>Połączenie zostało przerwane.</translation>
    </message>
    <message>
        <location filename="../../ui/screens/consultation.py" line="242"/>
        <source>Reconnecting… You don&apos;t need to do anything.</source>
        <translation>Łączymy ponownie… Nie musisz nic robić.</translation>
    </message>
    <message>
        <location filename="../../ui/screens/consultation.py" line="243"/>
        <location filename="../../ui/screens/consultation.py" line="244"/>
        <source>Quieter</source>
        <translation>Ciszej</translation>
    </message>
    <message>
        <location filename="../../ui/screens/consultation.py" line="244"/>
        <source>Turns the sound down.</source>
        <translation>Ścisza dźwięk.</translation>
    </message>
    <message>
        <location filename="../../ui/screens/consultation.py" line="245"/>
        <location filename="../../ui/screens/consultation.py" line="246"/>
        <source>Louder</source>
        <translation>Głośniej</translation>
    </message>
    <message>
        <location filename="../../ui/screens/consultation.py" line="246"/>
        <source>Turns the sound up.</source>
        <translation>Zwiększa głośność.</translation>
    </message>
    <message>
        <location filename="../../ui/screens/consultation.py" line="247"/>
        <location filename="../../ui/screens/consultation.py" line="248"/>
        <source>I need help</source>
        <translation>Potrzebuję pomocy</translation>
    </message>
    <message>
        <location filename="../../ui/screens/consultation.py" line="249"/>
        <source>Tells a member of staff that you need help. The call carries on.</source>
        <translation>Powiadamia pracownika, że potrzebujesz pomocy. Rozmowa trwa dalej.</translation>
    </message>
    <message>
        <location filename="../../ui/screens/consultation.py" line="250"/>
        <location filename="../../ui/screens/consultation.py" line="251"/>
        <source>End call</source>
        <translation>Zakończ rozmowę</translation>
    </message>
    <message>
        <location filename="../../ui/screens/consultation.py" line="252"/>
        <source>Asks if you are sure, then ends the video call.</source>
        <translation>Zapyta, czy na pewno, a potem zakończy rozmowę wideo.</translation>
    </message>
    <message>
        <location filename="../../ui/screens/consultation.py" line="254"/>
        <source>Do you want to end the call?</source>
        <translation>Czy chcesz zakończyć rozmowę?</translation>
    </message>
    <message>
        <location filename="../../ui/screens/consultation.py" line="255"/>
        <source>If you end it, the specialist will not be able to talk to you.</source>
        <translation>Jeśli ją zakończysz, specjalista nie będzie mógł z Tobą rozmawiać.</translation>
    </message>
    <message>
        <location filename="../../ui/screens/consultation.py" line="256"/>
        <source>Yes, end the call</source>
        <translation>Tak, zakończ</translation>
    </message>
    <message>
        <location filename="../../ui/screens/consultation.py" line="256"/>
        <source>Ends the video call now.</source>
        <translation>Kończy teraz rozmowę wideo.</translation>
    </message>
    <message>
        <location filename="../../ui/screens/consultation.py" line="257"/>
        <source>No, carry on</source>
        <translation>Nie, kontynuuj</translation>
    </message>
    <message>
        <location filename="../../ui/screens/consultation.py" line="257"/>
        <source>Goes back to the call.</source>
        <translation>Wraca do rozmowy.</translation>
    </message>
</context>
<context>
    <name>DeviceChecksScreen</name>
    <message>
        <location filename="../../ui/screens/device_checks.py" line="256"/>
        <source>Volume: %1%</source>
        <translation>Głośność: %1%</translation>
    </message>
    <message>
        <location filename="../../ui/screens/device_checks.py" line="255"/>
        <source>We can hear you.</source>
        <translation>Słyszymy Cię.</translation>
    </message>
    <message>
        <location filename="../../ui/screens/device_checks.py" line="255"/>
        <source>Listening…</source>
        <translation>Słuchamy…</translation>
    </message>
    <message>
        <location filename="../../ui/screens/device_checks.py" line="251"/>
        <source>Check %1 of 3</source>
        <translation>Sprawdzenie %1 z 3</translation>
    </message>
    <message>
        <location filename="../../ui/screens/device_checks.py" line="252"/>
        <source>Checks finished</source>
        <translation>Sprawdzanie zakończone</translation>
    </message>
    <message>
        <location filename="../../ui/screens/device_checks.py" line="279"/>
        <source>You couldn&apos;t see yourself</source>
        <translation>Nie widać Cię na ekranie</translation>
    </message>
    <message>
        <location filename="../../ui/screens/device_checks.py" line="274"/>
        <location filename="../../ui/screens/device_checks.py" line="282"/>
        <source>Try a different camera:</source>
        <translation>Wypróbuj inną kamerę:</translation>
    </message>
    <message>
        <location filename="../../ui/screens/device_checks.py" line="275"/>
        <location filename="../../ui/screens/device_checks.py" line="283"/>
        <source>Carry on without video</source>
        <translation>Kontynuuj bez obrazu</translation>
    </message>
    <message>
        <location filename="../../ui/screens/device_checks.py" line="276"/>
        <location filename="../../ui/screens/device_checks.py" line="284"/>
        <source>Goes on to the next check. The specialist will hear you but not see you.</source>
        <translation>Przechodzi do następnego sprawdzenia. Specjalista będzie Cię słyszał, ale nie widział.</translation>
    </message>
    <message>
        <location filename="../../ui/screens/device_checks.py" line="287"/>
        <source>The microphone couldn&apos;t hear you</source>
        <translation>Mikrofon Cię nie usłyszał</translation>
    </message>
    <message>
        <location filename="../../ui/screens/device_checks.py" line="288"/>
        <source>Try again and speak a little louder. If it still doesn&apos;t work, a member of staff can help: touch &quot;I need help&quot;.</source>
        <translation>Spróbuj ponownie i mów trochę głośniej. Jeśli nadal nie działa, pomoże Ci pracownik: dotknij „Potrzebuję pomocy”.</translation>
    </message>
    <message>
        <location filename="../../ui/screens/device_checks.py" line="289"/>
        <source>Try a different microphone:</source>
        <translation>Wypróbuj inny mikrofon:</translation>
    </message>
    <message>
        <location filename="../../ui/screens/device_checks.py" line="267"/>
        <source>Carry on anyway</source>
        <translation>Kontynuuj mimo to</translation>
    </message>
    <message>
        <location filename="../../ui/screens/device_checks.py" line="290"/>
        <source>Goes on to the next check without a working microphone.</source>
        <translation>Przechodzi do następnego sprawdzenia bez działającego mikrofonu.</translation>
    </message>
    <message>
        <location filename="../../ui/screens/device_checks.py" line="292"/>
        <source>You couldn&apos;t hear the sound</source>
        <translation>Dźwięk nie był słyszalny</translation>
    </message>
    <message>
        <location filename="../../ui/screens/device_checks.py" line="293"/>
        <source>The sound may be too quiet. Try again and we will play it louder. If you use a hearing aid, a member of staff can help.</source>
        <translation>Dźwięk może być za cichy. Spróbuj ponownie, a odtworzymy go głośniej. Jeśli używasz aparatu słuchowego, pomoże Ci pracownik.</translation>
    </message>
    <message>
        <location filename="../../ui/screens/device_checks.py" line="297"/>
        <source>Try different speakers:</source>
        <translation>Wypróbuj inne głośniki:</translation>
    </message>
    <message>
        <location filename="../../ui/screens/device_checks.py" line="267"/>
        <source>Goes on without working sound.</source>
        <translation>Kontynuuje bez działającego dźwięku.</translation>
    </message>
    <message>
        <location filename="../../ui/screens/device_checks.py" line="269"/>
        <source>The camera here does not work today</source>
        <translation>Kamera w tym kiosku dziś nie działa</translation>
    </message>
    <message>
        <location filename="../../ui/screens/device_checks.py" line="272"/>
        <source>You can still talk to the specialist: they will hear you, but not see you. If something is in front of the camera, move it and try again.</source>
        <translation>Nadal możesz porozmawiać ze specjalistą: będzie Cię słyszeć, ale nie widzieć. Jeśli coś jest przed kamerą, odsuń to i spróbuj ponownie.</translation>
    </message>
    <message>
        <location filename="../../ui/screens/device_checks.py" line="280"/>
        <source>Make sure nothing is in front of the camera, then try again. Or you can carry on with sound only: the specialist will still hear you.</source>
        <translation>Upewnij się, że nic nie jest przed kamerą, i spróbuj ponownie. Możesz też kontynuować tylko z dźwiękiem: specjalista nadal będzie Cię słyszał.</translation>
    </message>
    <message>
        <location filename="../../ui/screens/device_checks.py" line="307"/>
        <source>Uses this device and tries the check again.</source>
        <translation>Używa tego urządzenia i sprawdza jeszcze raz.</translation>
    </message>
    <message>
        <location filename="../../ui/screens/device_checks.py" line="311"/>
        <source>Camera</source>
        <translation>Kamera</translation>
    </message>
    <message>
        <location filename="../../ui/screens/device_checks.py" line="311"/>
        <source>Microphone</source>
        <translation>Mikrofon</translation>
    </message>
    <message>
        <location filename="../../ui/screens/device_checks.py" line="312"/>
        <source>Sound</source>
        <translation>Dźwięk</translation>
    </message>
    <message>
        <location filename="../../ui/screens/device_checks.py" line="312"/>
        <source>Internet connection</source>
        <translation>Połączenie z internetem</translation>
    </message>
    <message>
        <location filename="../../ui/screens/device_checks.py" line="313"/>
        <source>Working</source>
        <translation>Działa</translation>
    </message>
    <message>
        <location filename="../../ui/screens/device_checks.py" line="313"/>
        <source>Working, but not perfectly</source>
        <translation>Działa, ale nie idealnie</translation>
    </message>
    <message>
        <location filename="../../ui/screens/device_checks.py" line="314"/>
        <source>Not working</source>
        <translation>Nie działa</translation>
    </message>
    <message>
        <location filename="../../ui/screens/device_checks.py" line="314"/>
        <source>Not checked</source>
        <translation>Nie sprawdzono</translation>
    </message>
    <message>
        <location filename="../../ui/screens/device_checks.py" line="315"/>
        <source>Checking…</source>
        <translation>Sprawdzamy…</translation>
    </message>
    <message>
        <location filename="../../ui/screens/device_checks.py" line="329"/>
        <source>Some things are not working. You can still carry on, or touch &quot;I need help&quot; and a member of staff will come.</source>
        <translation>Niektóre rzeczy nie działają. Możesz mimo to kontynuować albo dotknąć „Potrzebuję pomocy”, a przyjdzie pracownik.</translation>
    </message>
    <message>
        <location filename="../../ui/screens/device_checks.py" line="270"/>
        <source>You can still talk to the specialist: they will hear you, but not see you.</source>
        <translation>Nadal możesz porozmawiać ze specjalistą: będzie Cię słyszeć, ale nie widzieć.</translation>
    </message>
    <message>
        <location filename="../../ui/screens/device_checks.py" line="295"/>
        <source>The sound is already as loud as it goes. Try again and listen carefully. If you use a hearing aid, a member of staff can help.</source>
        <translation>Dźwięk jest już tak głośny, jak to możliwe. Spróbuj ponownie i posłuchaj uważnie. Jeśli używasz aparatu słuchowego, pomoże Ci pracownik.</translation>
    </message>
    <message>
        <location filename="../../ui/screens/device_checks.py" line="328"/>
        <source>You are all set for your video call.</source>
        <translation>Wszystko gotowe do rozmowy wideo.</translation>
    </message>
    <message>
        <location filename="../../ui/screens/device_checks.py" line="333"/>
        <source>Your camera picture</source>
        <translation>Obraz z Twojej kamery</translation>
    </message>
    <message>
        <location filename="../../ui/screens/device_checks.py" line="334"/>
        <source>Starting the camera…</source>
        <translation>Uruchamiamy kamerę…</translation>
    </message>
    <message>
        <location filename="../../ui/screens/device_checks.py" line="335"/>
        <source>Can you see yourself?</source>
        <translation>Czy widzisz siebie?</translation>
    </message>
    <message>
        <location filename="../../ui/screens/device_checks.py" line="337"/>
        <source>Look at the picture. You should see yourself, like in a mirror.</source>
        <translation>Spójrz na obraz. Powinno być na nim widać Ciebie, jak w lustrze.</translation>
    </message>
    <message>
        <location filename="../../ui/screens/device_checks.py" line="338"/>
        <source>Yes, I can see myself</source>
        <translation>Tak, widzę siebie</translation>
    </message>
    <message>
        <location filename="../../ui/screens/device_checks.py" line="339"/>
        <source>The camera works. Goes on to the next check.</source>
        <translation>Kamera działa. Przechodzi do następnego sprawdzenia.</translation>
    </message>
    <message>
        <location filename="../../ui/screens/device_checks.py" line="340"/>
        <source>No</source>
        <translation>Nie</translation>
    </message>
    <message>
        <location filename="../../ui/screens/device_checks.py" line="340"/>
        <location filename="../../ui/screens/device_checks.py" line="353"/>
        <source>Shows what you can do to fix it.</source>
        <translation>Pokazuje, co możesz zrobić, żeby to naprawić.</translation>
    </message>
    <message>
        <location filename="../../ui/screens/device_checks.py" line="341"/>
        <source>Let&apos;s check the microphone</source>
        <translation>Sprawdźmy mikrofon</translation>
    </message>
    <message>
        <location filename="../../ui/screens/device_checks.py" line="343"/>
        <source>Please say &quot;Hello&quot; out loud. The blocks light up when the microphone hears you.</source>
        <translation>Powiedz głośno „Dzień dobry”. Gdy mikrofon Cię słyszy, kwadraty się podświetlają.</translation>
    </message>
    <message>
        <location filename="../../ui/screens/device_checks.py" line="344"/>
        <source>The blocks don&apos;t light up</source>
        <translation>Kwadraty się nie podświetlają</translation>
    </message>
    <message>
        <location filename="../../ui/screens/device_checks.py" line="345"/>
        <source>Tells us the microphone can&apos;t hear you and shows what you can do.</source>
        <translation>Informuje, że mikrofon Cię nie słyszy, i pokazuje, co możesz zrobić.</translation>
    </message>
    <message>
        <location filename="../../ui/screens/device_checks.py" line="346"/>
        <source>Let&apos;s check the sound</source>
        <translation>Sprawdźmy dźwięk</translation>
    </message>
    <message>
        <location filename="../../ui/screens/device_checks.py" line="348"/>
        <source>Touch &quot;Play a sound&quot; and listen. Did you hear the sound?</source>
        <translation>Dotknij „Odtwórz dźwięk” i posłuchaj. Czy słyszysz dźwięk?</translation>
    </message>
    <message>
        <location filename="../../ui/screens/device_checks.py" line="349"/>
        <source>Play a sound</source>
        <translation>Odtwórz dźwięk</translation>
    </message>
    <message>
        <location filename="../../ui/screens/device_checks.py" line="349"/>
        <source>Plays a short chime.</source>
        <translation>Odtwarza krótki dzwonek.</translation>
    </message>
    <message>
        <location filename="../../ui/screens/device_checks.py" line="350"/>
        <source>Yes, I heard it</source>
        <translation>Tak, słyszę</translation>
    </message>
    <message>
        <location filename="../../ui/screens/device_checks.py" line="351"/>
        <source>The sound works. Goes on to the next step.</source>
        <translation>Dźwięk działa. Przechodzi do następnego kroku.</translation>
    </message>
    <message>
        <location filename="../../ui/screens/device_checks.py" line="352"/>
        <source>No</source>
        <comment>answer to: did you hear the sound?</comment>
        <translation>Nie</translation>
    </message>
    <message>
        <location filename="../../ui/screens/device_checks.py" line="354"/>
        <source>Play it again</source>
        <translation>Odtwórz jeszcze raz</translation>
    </message>
    <message>
        <location filename="../../ui/screens/device_checks.py" line="354"/>
        <source>Plays the chime again.</source>
        <translation>Odtwarza dzwonek jeszcze raz.</translation>
    </message>
    <message>
        <location filename="../../ui/screens/device_checks.py" line="355"/>
        <source>Quieter</source>
        <translation>Ciszej</translation>
    </message>
    <message>
        <location filename="../../ui/screens/device_checks.py" line="355"/>
        <source>Turns the sound down.</source>
        <translation>Ścisza dźwięk.</translation>
    </message>
    <message>
        <location filename="../../ui/screens/device_checks.py" line="356"/>
        <source>Louder</source>
        <translation>Głośniej</translation>
    </message>
    <message>
        <location filename="../../ui/screens/device_checks.py" line="356"/>
        <source>Turns the sound up.</source>
        <translation>Zwiększa głośność.</translation>
    </message>
    <message>
        <location filename="../../ui/screens/device_checks.py" line="357"/>
        <source>Try again</source>
        <translation>Spróbuj ponownie</translation>
    </message>
    <message>
        <location filename="../../ui/screens/device_checks.py" line="357"/>
        <source>Does this check again.</source>
        <translation>Powtarza to sprawdzenie.</translation>
    </message>
    <message>
        <location filename="../../ui/screens/device_checks.py" line="358"/>
        <source>Your checks are finished</source>
        <translation>Sprawdzanie zakończone</translation>
    </message>
    <message>
        <location filename="../../ui/screens/device_checks.py" line="359"/>
        <source>Continue</source>
        <translation>Dalej</translation>
    </message>
    <message>
        <location filename="../../ui/screens/device_checks.py" line="360"/>
        <source>Goes to the waiting room for your appointment.</source>
        <translation>Przechodzi do poczekalni przed wizytą.</translation>
    </message>
    <message>
        <location filename="../../ui/screens/device_checks.py" line="361"/>
        <source>Do the checks again</source>
        <translation>Sprawdź jeszcze raz</translation>
    </message>
    <message>
        <location filename="../../ui/screens/device_checks.py" line="362"/>
        <source>Does all three checks again.</source>
        <translation>Jeszcze raz wykonuje wszystkie trzy sprawdzenia.</translation>
    </message>
</context>
<context>
    <name>FaceScale</name>
    <message>
        <location filename="../../ui/widgets/faces.py" line="181"/>
        <source>Very bad</source>
        <translation>Bardzo źle</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/faces.py" line="181"/>
        <source>Bad</source>
        <translation>Źle</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/faces.py" line="181"/>
        <source>Okay</source>
        <translation>Tak sobie</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/faces.py" line="182"/>
        <source>Good</source>
        <translation>Dobrze</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/faces.py" line="182"/>
        <source>Very good</source>
        <translation>Bardzo dobrze</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/faces.py" line="186"/>
        <source>Answer %1 out of 5.</source>
        <translation>Odpowiedź %1 na 5.</translation>
    </message>
</context>
<context>
    <name>FeedbackScreen</name>
    <message>
        <location filename="../../ui/screens/feedback.py" line="249"/>
        <source>Thank you for using the kiosk.</source>
        <translation>Dziękujemy za skorzystanie z kiosku.</translation>
    </message>
    <message>
        <location filename="../../ui/screens/feedback.py" line="301"/>
        <source>Yes</source>
        <translation>Tak</translation>
    </message>
    <message>
        <location filename="../../ui/screens/feedback.py" line="301"/>
        <source>No</source>
        <translation>Nie</translation>
    </message>
    <message>
        <location filename="../../ui/screens/feedback.py" line="311"/>
        <source>Choose this answer.</source>
        <translation>Wybiera tę odpowiedź.</translation>
    </message>
    <message>
        <location filename="../../ui/screens/feedback.py" line="331"/>
        <location filename="../../ui/screens/feedback.py" line="362"/>
        <source>Your answer</source>
        <translation>Twoja odpowiedź</translation>
    </message>
    <message>
        <location filename="../../ui/screens/feedback.py" line="362"/>
        <source>Type your answer here.</source>
        <translation>Tutaj wpisz odpowiedź.</translation>
    </message>
    <message>
        <location filename="../../ui/screens/feedback.py" line="400"/>
        <source>Question %1 of %2</source>
        <translation>Pytanie %1 z %2</translation>
    </message>
    <message>
        <location filename="../../ui/screens/feedback.py" line="403"/>
        <source>The call has ended. Please tell us how it went: it helps us improve. You can skip any question.</source>
        <translation>Rozmowa się zakończyła. Powiedz nam, jak poszło – to pomoże nam działać lepiej. Każde pytanie możesz pominąć.</translation>
    </message>
    <message>
        <location filename="../../ui/screens/feedback.py" line="407"/>
        <location filename="../../ui/screens/feedback.py" line="408"/>
        <location filename="../../ui/screens/feedback.py" line="410"/>
        <location filename="../../ui/screens/feedback.py" line="411"/>
        <source>Finish</source>
        <translation>Zakończ</translation>
    </message>
    <message>
        <location filename="../../ui/screens/feedback.py" line="408"/>
        <source>Finishes and says goodbye.</source>
        <translation>Kończy i żegna się.</translation>
    </message>
    <message>
        <location filename="../../ui/screens/feedback.py" line="412"/>
        <source>Saves your answer and finishes.</source>
        <translation>Zapisuje odpowiedź i kończy.</translation>
    </message>
    <message>
        <location filename="../../ui/screens/feedback.py" line="414"/>
        <location filename="../../ui/screens/feedback.py" line="415"/>
        <source>Next</source>
        <translation>Dalej</translation>
    </message>
    <message>
        <location filename="../../ui/screens/feedback.py" line="416"/>
        <source>Saves your answer and shows the next question.</source>
        <translation>Zapisuje odpowiedź i pokazuje następne pytanie.</translation>
    </message>
    <message>
        <location filename="../../ui/screens/feedback.py" line="417"/>
        <location filename="../../ui/screens/feedback.py" line="418"/>
        <source>Skip</source>
        <translation>Pomiń</translation>
    </message>
    <message>
        <location filename="../../ui/screens/feedback.py" line="419"/>
        <source>Goes on to the next question with no answer.</source>
        <translation>Przechodzi do następnego pytania bez odpowiedzi.</translation>
    </message>
    <message>
        <location filename="../../ui/screens/feedback.py" line="420"/>
        <location filename="../../ui/screens/feedback.py" line="421"/>
        <source>Finish now</source>
        <translation>Zakończ teraz</translation>
    </message>
    <message>
        <location filename="../../ui/screens/feedback.py" line="422"/>
        <source>Stops the questions. Answers you gave are kept.</source>
        <translation>Kończy pytania. Udzielone odpowiedzi zostaną zapisane.</translation>
    </message>
</context>
<context>
    <name>Header</name>
    <message>
        <location filename="../../ui/widgets/header.py" line="99"/>
        <location filename="../../ui/widgets/header.py" line="100"/>
        <source>Read aloud</source>
        <translation>Czytaj na głos</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/header.py" line="101"/>
        <source>Reads this screen out loud. Touch the screen to stop.</source>
        <translation>Czyta ten ekran na głos. Dotknij ekranu, aby przerwać.</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/header.py" line="102"/>
        <location filename="../../ui/widgets/header.py" line="103"/>
        <source>Start again</source>
        <translation>Zacznij od nowa</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/header.py" line="104"/>
        <source>Clears everything you have typed and goes back to the first screen.</source>
        <translation>Usuwa wszystko, co wpisano, i wraca do pierwszego ekranu.</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/header.py" line="105"/>
        <location filename="../../ui/widgets/header.py" line="106"/>
        <source>I need help</source>
        <translation>Potrzebuję pomocy</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/header.py" line="107"/>
        <source>Tells a member of staff that you need help.</source>
        <translation>Powiadamia pracownika, że potrzebujesz pomocy.</translation>
    </message>
</context>
<context>
    <name>HelpOverlay</name>
    <message>
        <location filename="../../ui/widgets/overlays.py" line="193"/>
        <source>Someone from reception is coming.</source>
        <translation>Ktoś z recepcji już idzie.</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/overlays.py" line="194"/>
        <source>Their name is %1. Please stay where you are.</source>
        <translation>Ma na imię %1. Zostań, proszę, na miejscu.</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/overlays.py" line="195"/>
        <source>Please stay where you are.</source>
        <translation>Zostań, proszę, na miejscu.</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/overlays.py" line="199"/>
        <source>The call to the specialist was cut off.</source>
        <translation>Połączenie ze specjalistą zostało przerwane.</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/overlays.py" line="200"/>
        <source>Please ask at reception. A member of staff has been told.</source>
        <translation>Prosimy zgłosić się do recepcji. Pracownik został powiadomiony.</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/overlays.py" line="204"/>
        <source>Help is on its way.</source>
        <translation>Pomoc jest w drodze.</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/overlays.py" line="205"/>
        <source>A member of staff has been told. Please stay where you are.</source>
        <translation>Pracownik został powiadomiony. Zostań, proszę, na miejscu.</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/overlays.py" line="209"/>
        <source>Asking for help…</source>
        <translation>Wzywamy pomoc…</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/overlays.py" line="210"/>
        <source>We are letting a member of staff know. Please stay where you are.</source>
        <translation>Powiadamiamy pracownika. Zostań, proszę, na miejscu.</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/overlays.py" line="212"/>
        <location filename="../../ui/widgets/overlays.py" line="213"/>
        <source>Close this message</source>
        <translation>Zamknij tę wiadomość</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/overlays.py" line="214"/>
        <source>Hides this message. Staff have still been asked to help you.</source>
        <translation>Ukrywa tę wiadomość. Pracownik i tak przyjdzie z pomocą.</translation>
    </message>
</context>
<context>
    <name>IdleOverlay</name>
    <message>
        <location filename="../../ui/widgets/overlays.py" line="142"/>
        <source>Are you still there?</source>
        <translation>Czy nadal tu jesteś?</translation>
    </message>
    <message numerus="yes">
        <location filename="../../ui/widgets/overlays.py" line="143"/>
        <source>To keep your details safe, the kiosk will start again in %n second(s).</source>
        <translation>
            <numerusform>Aby chronić Twoje dane, kiosk za %n sekundę zacznie od nowa.</numerusform>
            <numerusform>Aby chronić Twoje dane, kiosk za %n sekundy zacznie od nowa.</numerusform>
            <numerusform>Aby chronić Twoje dane, kiosk za %n sekund zacznie od nowa.</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../ui/widgets/overlays.py" line="146"/>
        <location filename="../../ui/widgets/overlays.py" line="147"/>
        <source>I&apos;m still here</source>
        <translation>Nadal tu jestem</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/overlays.py" line="148"/>
        <source>Carries on from where you were.</source>
        <translation>Kontynuuje od miejsca, w którym przerwano.</translation>
    </message>
</context>
<context>
    <name>KioskController</name>
    <message>
        <location filename="../../ui/controller.py" line="284"/>
        <source>Video calls will work well here.</source>
        <extracomment>The last ``status`` handed to the engine for the hub (step, detail).</extracomment>
        <translation>Rozmowy wideo będą tu dobrze działać.</translation>
    </message>
    <message>
        <location filename="../../ui/controller.py" line="285"/>
        <source>Video may be poor; we will try.</source>
        <translation>Obraz może być słabszej jakości, ale spróbujemy.</translation>
    </message>
    <message>
        <location filename="../../ui/controller.py" line="286"/>
        <source>We cannot connect. Please ask a member of staff.</source>
        <translation>Nie możemy się połączyć. Poproś o pomoc kogoś z personelu.</translation>
    </message>
</context>
<context>
    <name>LevelMeter</name>
    <message>
        <location filename="../../ui/widgets/level_meter.py" line="23"/>
        <source>Microphone level</source>
        <translation>Poziom mikrofonu</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/level_meter.py" line="24"/>
        <source>The blocks light up when the microphone hears you.</source>
        <translation>Kwadraty podświetlają się, gdy mikrofon Cię słyszy.</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../../ui/window.py" line="386"/>
        <location filename="../../ui/window.py" line="396"/>
        <source>Staff mode</source>
        <extracomment>Steps where &quot;Start again&quot; is offered in the header (safe: nothing is lost but typing). Steps without the header: the call has its own &quot;I need help&quot;; admin is for staff.</extracomment>
        <translation>Tryb dla personelu</translation>
    </message>
</context>
<context>
    <name>NumPad</name>
    <message>
        <location filename="../../ui/widgets/numpad.py" line="56"/>
        <source>Types the number %1.</source>
        <translation>Wpisuje cyfrę %1.</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/numpad.py" line="57"/>
        <location filename="../../ui/widgets/numpad.py" line="58"/>
        <source>Delete</source>
        <translation>Usuń</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/numpad.py" line="58"/>
        <source>Removes the last number you typed.</source>
        <translation>Usuwa ostatnią wpisaną cyfrę.</translation>
    </message>
</context>
<context>
    <name>OnScreenKeyboard</name>
    <message>
        <location filename="../../ui/widgets/keyboard.py" line="124"/>
        <source>Types %1</source>
        <translation>Wpisuje %1</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/keyboard.py" line="148"/>
        <location filename="../../ui/widgets/keyboard.py" line="149"/>
        <source>Capitals</source>
        <translation>Wielkie litery</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/keyboard.py" line="150"/>
        <source>The next letter you type will be a capital letter.</source>
        <translation>Następna wpisana litera będzie wielka.</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/keyboard.py" line="152"/>
        <location filename="../../ui/widgets/keyboard.py" line="153"/>
        <source>Accents</source>
        <translation>Znaki polskie</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/keyboard.py" line="154"/>
        <source>Shows letters with accents in the top row of letters.</source>
        <translation>Pokazuje litery ze znakami diakrytycznymi w górnym rzędzie liter.</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/keyboard.py" line="155"/>
        <location filename="../../ui/widgets/keyboard.py" line="156"/>
        <source>Space</source>
        <translation>Spacja</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/keyboard.py" line="156"/>
        <source>Types a space between words.</source>
        <translation>Wstawia odstęp między wyrazami.</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/keyboard.py" line="157"/>
        <location filename="../../ui/widgets/keyboard.py" line="158"/>
        <source>Delete</source>
        <translation>Usuń</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/keyboard.py" line="158"/>
        <source>Removes the last letter you typed.</source>
        <translation>Usuwa ostatnią wpisaną literę.</translation>
    </message>
</context>
<context>
    <name>OutOfServiceScreen</name>
    <message>
        <location filename="../../ui/screens/out_of_service.py" line="78"/>
        <source>This kiosk is not ready.</source>
        <translation>Ten kiosk nie jest gotowy.</translation>
    </message>
    <message>
        <location filename="../../ui/screens/out_of_service.py" line="79"/>
        <source>Please ask at reception.</source>
        <translation>Zapytaj w recepcji.</translation>
    </message>
    <message>
        <location filename="../../ui/screens/out_of_service.py" line="84"/>
        <source>Shows the kiosk in this language: %1</source>
        <translation>Wyświetla kiosk w tym języku: %1</translation>
    </message>
</context>
<context>
    <name>Screen</name>
    <message>
        <location filename="../../ui/screens/base.py" line="164"/>
        <source>You can touch:</source>
        <extracomment>Label roles read as a screen&apos;s heading, and as its instructions. Button roles that are keys (digits, letters), never read as choices. Follow-up questions that may still be asked: (id, the id of the question deciding it).</extracomment>
        <translation>Możesz dotknąć:</translation>
    </message>
</context>
<context>
    <name>ThanksScreen</name>
    <message numerus="yes">
        <location filename="../../ui/screens/thanks.py" line="60"/>
        <source>This screen will close by itself in %n second(s).</source>
        <translation>
            <numerusform>Ten ekran zamknie się sam za %n sekundę.</numerusform>
            <numerusform>Ten ekran zamknie się sam za %n sekundy.</numerusform>
            <numerusform>Ten ekran zamknie się sam za %n sekund.</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../ui/screens/thanks.py" line="63"/>
        <source>Thank you</source>
        <translation>Dziękujemy</translation>
    </message>
    <message>
        <location filename="../../ui/screens/thanks.py" line="64"/>
        <source>You can leave the kiosk now.</source>
        <translation>Możesz już odejść od kiosku.</translation>
    </message>
    <message>
        <location filename="../../ui/screens/thanks.py" line="65"/>
        <source>Please remember to take your things with you.</source>
        <translation>Pamiętaj, proszę, o zabraniu swoich rzeczy.</translation>
    </message>
    <message>
        <location filename="../../ui/screens/thanks.py" line="66"/>
        <location filename="../../ui/screens/thanks.py" line="67"/>
        <source>Finish</source>
        <translation>Zakończ</translation>
    </message>
    <message>
        <location filename="../../ui/screens/thanks.py" line="68"/>
        <source>Goes back to the welcome screen for the next person.</source>
        <translation>Wraca do ekranu powitalnego dla następnej osoby.</translation>
    </message>
</context>
<context>
    <name>WaitingScreen</name>
    <message>
        <location filename="../../ui/screens/waiting.py" line="120"/>
        <source>You have waited less than a minute.</source>
        <translation>Czekasz krócej niż minutę.</translation>
    </message>
    <message numerus="yes">
        <location filename="../../ui/screens/waiting.py" line="121"/>
        <source>You have waited %n minute(s).</source>
        <translation>
            <numerusform>Czekasz już %n minutę.</numerusform>
            <numerusform>Czekasz już %n minuty.</numerusform>
            <numerusform>Czekasz już %n minut.</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../ui/screens/waiting.py" line="125"/>
        <source>%1 will join you soon.</source>
        <translation>%1 wkrótce do Ciebie dołączy.</translation>
    </message>
    <message>
        <location filename="../../ui/screens/waiting.py" line="127"/>
        <source>The specialist will join you soon.</source>
        <translation>Specjalista wkrótce do Ciebie dołączy.</translation>
    </message>
    <message>
        <location filename="../../ui/screens/waiting.py" line="134"/>
        <source>Message from %1:</source>
        <translation>Wiadomość – %1:</translation>
    </message>
    <message>
        <location filename="../../ui/screens/waiting.py" line="136"/>
        <source>Message from the clinic:</source>
        <translation>Wiadomość z przychodni:</translation>
    </message>
    <message>
        <location filename="../../ui/screens/waiting.py" line="144"/>
        <source>You are checked in</source>
        <translation>Rejestracja zakończona</translation>
    </message>
    <message>
        <location filename="../../ui/screens/waiting.py" line="146"/>
        <source>Please stay near the screen. The call will start by itself.</source>
        <translation>Zostań, proszę, przy ekranie. Rozmowa zacznie się sama.</translation>
    </message>
    <message>
        <location filename="../../ui/screens/waiting.py" line="148"/>
        <source>Reconnecting to the clinic… You don&apos;t need to do anything. You will not lose your place.</source>
        <translation>Ponownie łączymy się z przychodnią… Nie musisz nic robić. Nie stracisz swojej kolejki.</translation>
    </message>
    <message>
        <location filename="../../ui/screens/waiting.py" line="150"/>
        <source>This is how you will look:</source>
        <translation>Tak zobaczy Cię specjalista:</translation>
    </message>
    <message>
        <location filename="../../ui/screens/waiting.py" line="151"/>
        <source>Your camera picture</source>
        <translation>Obraz z Twojej kamery</translation>
    </message>
    <message>
        <location filename="../../ui/screens/waiting.py" line="152"/>
        <source>Your camera picture will show here.</source>
        <translation>Tutaj pojawi się obraz z Twojej kamery.</translation>
    </message>
    <message>
        <location filename="../../ui/screens/waiting.py" line="153"/>
        <location filename="../../ui/screens/waiting.py" line="154"/>
        <source>Leave the waiting room</source>
        <translation>Wyjdź z poczekalni</translation>
    </message>
    <message>
        <location filename="../../ui/screens/waiting.py" line="155"/>
        <source>Asks if you are sure, then cancels your check-in.</source>
        <translation>Zapyta, czy na pewno, a potem anuluje rejestrację.</translation>
    </message>
    <message>
        <location filename="../../ui/screens/waiting.py" line="157"/>
        <source>Do you want to leave the waiting room?</source>
        <translation>Czy chcesz wyjść z poczekalni?</translation>
    </message>
    <message>
        <location filename="../../ui/screens/waiting.py" line="158"/>
        <source>You will lose your place and need to check in again.</source>
        <translation>Stracisz swoją kolejkę i trzeba będzie zarejestrować się ponownie.</translation>
    </message>
    <message>
        <location filename="../../ui/screens/waiting.py" line="159"/>
        <source>Yes, leave</source>
        <translation>Tak, wyjdź</translation>
    </message>
    <message>
        <location filename="../../ui/screens/waiting.py" line="159"/>
        <source>Cancels your check-in and goes back to the start.</source>
        <translation>Anuluje rejestrację i wraca do początku.</translation>
    </message>
    <message>
        <location filename="../../ui/screens/waiting.py" line="160"/>
        <source>No, stay</source>
        <translation>Nie, zostaję</translation>
    </message>
    <message>
        <location filename="../../ui/screens/waiting.py" line="160"/>
        <source>Keeps your place in the waiting room.</source>
        <translation>Zachowuje Twoje miejsce w poczekalni.</translation>
    </message>
</context>
<context>
    <name>WelcomeScreen</name>
    <message>
        <location filename="../../ui/screens/welcome.py" line="144"/>
        <source>Welcome to %1</source>
        <translation>Witamy w placówce %1</translation>
    </message>
    <message>
        <location filename="../../ui/screens/welcome.py" line="146"/>
        <source>Check in here to see your specialist on a video call.</source>
        <translation>Zarejestruj się tutaj, aby zobaczyć się ze swoim specjalistą w rozmowie wideo.</translation>
    </message>
    <message>
        <location filename="../../ui/screens/welcome.py" line="147"/>
        <location filename="../../ui/screens/welcome.py" line="148"/>
        <source>Touch to start</source>
        <translation>Dotknij, aby zacząć</translation>
    </message>
    <message>
        <location filename="../../ui/screens/welcome.py" line="149"/>
        <source>Starts checking you in for your appointment.</source>
        <translation>Rozpoczyna rejestrację na wizytę.</translation>
    </message>
    <message>
        <location filename="../../ui/screens/welcome.py" line="150"/>
        <source>Language</source>
        <translation>Język</translation>
    </message>
    <message>
        <location filename="../../ui/screens/welcome.py" line="151"/>
        <source>Make the screen easier to read</source>
        <translation>Ułatw czytanie ekranu</translation>
    </message>
    <message>
        <location filename="../../ui/screens/welcome.py" line="153"/>
        <source>Shows the kiosk in this language: %1</source>
        <translation>Wyświetla kiosk w tym języku: %1</translation>
    </message>
    <message>
        <location filename="../../ui/screens/welcome.py" line="159"/>
        <source>On</source>
        <translation>Włączone</translation>
    </message>
    <message>
        <location filename="../../ui/screens/welcome.py" line="159"/>
        <source>Off</source>
        <translation>Wyłączone</translation>
    </message>
    <message>
        <location filename="../../ui/screens/welcome.py" line="160"/>
        <source>Larger text</source>
        <translation>Większy tekst</translation>
    </message>
    <message>
        <location filename="../../ui/screens/welcome.py" line="161"/>
        <source>High contrast</source>
        <translation>Wysoki kontrast</translation>
    </message>
    <message>
        <location filename="../../ui/screens/welcome.py" line="164"/>
        <source>Read every screen aloud</source>
        <translation>Czytaj każdy ekran na głos</translation>
    </message>
    <message>
        <location filename="../../ui/screens/welcome.py" line="168"/>
        <source>Reads each new screen out loud. It is on now.</source>
        <translation>Czyta na głos każdy nowy ekran. Teraz jest włączone.</translation>
    </message>
    <message>
        <location filename="../../ui/screens/welcome.py" line="169"/>
        <source>Reads each new screen out loud. It is off now.</source>
        <translation>Czyta na głos każdy nowy ekran. Teraz jest wyłączone.</translation>
    </message>
    <message>
        <location filename="../../ui/screens/welcome.py" line="171"/>
        <source>Makes all the writing bigger. It is on now.</source>
        <translation>Powiększa cały tekst. Teraz jest włączone.</translation>
    </message>
    <message>
        <location filename="../../ui/screens/welcome.py" line="172"/>
        <source>Makes all the writing bigger. It is off now.</source>
        <translation>Powiększa cały tekst. Teraz jest wyłączone.</translation>
    </message>
    <message>
        <location filename="../../ui/screens/welcome.py" line="174"/>
        <source>Shows yellow and white on black. It is on now.</source>
        <translation>Pokazuje żółty i biały tekst na czarnym tle. Teraz jest włączone.</translation>
    </message>
    <message>
        <location filename="../../ui/screens/welcome.py" line="176"/>
        <source>Shows yellow and white on black. It is off now.</source>
        <translation>Pokazuje żółty i biały tekst na czarnym tle. Teraz jest wyłączone.</translation>
    </message>
</context>
</TS>
