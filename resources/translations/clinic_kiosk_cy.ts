<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="cy_GB">
<context>
    <name>CheckInScreen</name>
    <message>
        <location filename="../../ui/screens/check_in.py" line="190"/>
        <source>Checking your code…</source>
        <translation>Wrthi&apos;n gwirio eich cod…</translation>
    </message>
    <message>
        <location filename="../../ui/screens/check_in.py" line="192"/>
        <source>Please type all %1 numbers of your code.</source>
        <translation>Teipiwch bob un o %1 rhif eich cod.</translation>
    </message>
    <message>
        <location filename="../../ui/screens/check_in.py" line="194"/>
        <source>That code didn&apos;t work. Please check the letter or text message and try again.</source>
        <translation>Wnaeth y cod yna ddim gweithio. Edrychwch eto ar y llythyr neu&apos;r neges destun a rhowch gynnig arall arni.</translation>
    </message>
    <message>
        <location filename="../../ui/screens/check_in.py" line="196"/>
        <source>That code has already been used. Please ask a member of staff at reception.</source>
        <translation>Mae&apos;r cod yna wedi cael ei ddefnyddio&apos;n barod. Gofynnwch i aelod o staff yn y dderbynfa.</translation>
    </message>
    <message>
        <location filename="../../ui/screens/check_in.py" line="198"/>
        <source>That code is no longer valid. Please ask a member of staff at reception.</source>
        <translation>Dydy&apos;r cod yna ddim yn ddilys bellach. Gofynnwch i aelod o staff yn y dderbynfa.</translation>
    </message>
    <message>
        <location filename="../../ui/screens/check_in.py" line="200"/>
        <location filename="../../ui/screens/check_in.py" line="202"/>
        <source>Please ask a member of staff at reception. They can check you in.</source>
        <translation>Gofynnwch i aelod o staff yn y dderbynfa. Gallan nhw eich cofrestru chi.</translation>
    </message>
    <message>
        <location filename="../../ui/screens/check_in.py" line="204"/>
        <source>The kiosk can&apos;t reach the clinic just now. Please try again in a minute, or ask a member of staff.</source>
        <translation>Dydy&apos;r ciosg ddim yn gallu cysylltu â&apos;r clinig ar hyn o bryd. Rhowch gynnig arall arni mewn munud, neu gofynnwch i aelod o staff.</translation>
    </message>
    <message>
        <location filename="../../ui/screens/check_in.py" line="235"/>
        <source>Type the %1-digit code from your letter or text message.</source>
        <translation>Teipiwch y cod %1 digid o&apos;ch llythyr neu&apos;ch neges destun.</translation>
    </message>
    <message>
        <location filename="../../ui/screens/check_in.py" line="224"/>
        <source>Are you here to see %1 at %2?</source>
        <translation>Ydych chi yma i weld %1 am %2?</translation>
    </message>
    <message>
        <location filename="../../ui/screens/check_in.py" line="206"/>
        <source>Sorry, the kiosk lost its link to the clinic. Please type your code again to get back your place.</source>
        <translation>Mae&apos;n ddrwg gennym, collodd y ciosg ei gysylltiad â&apos;r clinig. Teipiwch eich cod eto i gael eich lle yn ôl.</translation>
    </message>
    <message>
        <location filename="../../ui/screens/check_in.py" line="229"/>
        <source>Demonstration: the code %1 works today.</source>
        <translation>Arddangosiad: mae&apos;r cod %1 yn gweithio heddiw.</translation>
    </message>
    <message>
        <location filename="../../ui/screens/check_in.py" line="233"/>
        <location filename="../../ui/screens/check_in.py" line="237"/>
        <location filename="../../ui/screens/check_in.py" line="238"/>
        <source>Check in</source>
        <translation>Cofrestru</translation>
    </message>
    <message>
        <location filename="../../ui/screens/check_in.py" line="239"/>
        <source>Checks you in with the code you typed.</source>
        <translation>Yn eich cofrestru gyda&apos;r cod y gwnaethoch ei deipio.</translation>
    </message>
    <message>
        <location filename="../../ui/screens/check_in.py" line="241"/>
        <source>A member of staff has set up this kiosk for this appointment.</source>
        <translation>Mae aelod o staff wedi paratoi&apos;r ciosg hwn ar gyfer yr apwyntiad yma.</translation>
    </message>
    <message>
        <location filename="../../ui/screens/check_in.py" line="242"/>
        <location filename="../../ui/screens/check_in.py" line="243"/>
        <source>Yes, that&apos;s me</source>
        <translation>Ydw, dyna fi</translation>
    </message>
    <message>
        <location filename="../../ui/screens/check_in.py" line="243"/>
        <source>Checks you in.</source>
        <translation>Yn eich cofrestru chi.</translation>
    </message>
    <message>
        <location filename="../../ui/screens/check_in.py" line="244"/>
        <location filename="../../ui/screens/check_in.py" line="245"/>
        <source>No</source>
        <translation>Nac ydw</translation>
    </message>
    <message>
        <location filename="../../ui/screens/check_in.py" line="246"/>
        <source>Lets you type the code from your letter or text message instead.</source>
        <translation>Yn gadael i chi deipio&apos;r cod o&apos;ch llythyr neu&apos;ch neges destun yn lle hynny.</translation>
    </message>
</context>
<context>
    <name>CodeBoxes</name>
    <message>
        <location filename="../../ui/widgets/numpad.py" line="107"/>
        <source>Your code</source>
        <translation>Eich cod</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/numpad.py" line="109"/>
        <source>%1 of %2 numbers typed.</source>
        <translation>Wedi teipio %1 o %2 rhif.</translation>
    </message>
</context>
<context>
    <name>ConsultationScreen</name>
    <message>
        <location filename="../../ui/screens/consultation.py" line="182"/>
        <source>the specialist</source>
        <translation>yr arbenigwr</translation>
    </message>
    <message>
        <location filename="../../ui/screens/consultation.py" line="184"/>
        <source>Connecting you to %1…</source>
        <translation>Yn eich cysylltu chi â %1…</translation>
    </message>
    <message>
        <location filename="../../ui/screens/consultation.py" line="186"/>
        <source>Waiting for the video from %1…</source>
        <translation>Yn aros am y fideo gan %1…</translation>
    </message>
    <message>
        <location filename="../../ui/screens/consultation.py" line="189"/>
        <source>Your camera is off</source>
        <translation>Mae eich camera wedi&apos;i diffodd</translation>
    </message>
    <message>
        <location filename="../../ui/screens/consultation.py" line="189"/>
        <source>Your camera</source>
        <translation>Eich camera</translation>
    </message>
    <message>
        <location filename="../../ui/screens/consultation.py" line="192"/>
        <source>Connection: good</source>
        <translation>Cysylltiad: da</translation>
    </message>
    <message>
        <location filename="../../ui/screens/consultation.py" line="193"/>
        <source>Connection: fair. The picture may be less clear.</source>
        <translation>Cysylltiad: gweddol. Efallai na fydd y llun mor glir.</translation>
    </message>
    <message>
        <location filename="../../ui/screens/consultation.py" line="195"/>
        <source>Connection: poor. The picture or sound may break up.</source>
        <translation>Cysylltiad: gwael. Efallai y bydd y llun neu&apos;r sain yn torri.</translation>
    </message>
    <message>
        <location filename="../../ui/screens/consultation.py" line="197"/>
        <source>Connection: checking…</source>
        <translation>Cysylltiad: wrthi&apos;n gwirio…</translation>
    </message>
    <message>
        <location filename="../../ui/screens/consultation.py" line="205"/>
        <source>You are muted: the specialist can&apos;t hear you.</source>
        <translation>Mae eich meicroffon wedi&apos;i dawelu: dydy&apos;r arbenigwr ddim yn gallu eich clywed.</translation>
    </message>
    <message>
        <location filename="../../ui/screens/consultation.py" line="207"/>
        <source>Your camera is off.</source>
        <translation>Mae eich camera wedi&apos;i diffodd.</translation>
    </message>
    <message>
        <location filename="../../ui/screens/consultation.py" line="214"/>
        <location filename="../../ui/screens/consultation.py" line="216"/>
        <source>Unmute</source>
        <translation>Troi&apos;r meic ymlaen</translation>
    </message>
    <message>
        <location filename="../../ui/screens/consultation.py" line="217"/>
        <source>Your microphone is off. Touch to let the specialist hear you.</source>
        <translation>Mae eich meicroffon wedi&apos;i ddiffodd. Cyffyrddwch er mwyn i&apos;r arbenigwr eich clywed.</translation>
    </message>
    <message>
        <location filename="../../ui/screens/consultation.py" line="219"/>
        <location filename="../../ui/screens/consultation.py" line="221"/>
        <source>Mute</source>
        <translation>Tawelu</translation>
    </message>
    <message>
        <location filename="../../ui/screens/consultation.py" line="222"/>
        <source>Turns your microphone off so the specialist can&apos;t hear you.</source>
        <translation>Yn diffodd eich meicroffon fel nad yw&apos;r arbenigwr yn gallu eich clywed.</translation>
    </message>
    <message>
        <location filename="../../ui/screens/consultation.py" line="224"/>
        <location filename="../../ui/screens/consultation.py" line="226"/>
        <source>Turn camera on</source>
        <translation>Troi&apos;r camera ymlaen</translation>
    </message>
    <message>
        <location filename="../../ui/screens/consultation.py" line="227"/>
        <source>Your camera is off. Touch to let the specialist see you.</source>
        <translation>Mae eich camera wedi&apos;i diffodd. Cyffyrddwch er mwyn i&apos;r arbenigwr eich gweld.</translation>
    </message>
    <message>
        <location filename="../../ui/screens/consultation.py" line="229"/>
        <location filename="../../ui/screens/consultation.py" line="231"/>
        <source>Turn camera off</source>
        <translation>Diffodd y camera</translation>
    </message>
    <message>
        <location filename="../../ui/screens/consultation.py" line="232"/>
        <source>Stops the specialist seeing you.</source>
        <translation>Yn atal yr arbenigwr rhag eich gweld.</translation>
    </message>
    <message>
        <location filename="../../ui/screens/consultation.py" line="233"/>
        <source>Volume: %1%</source>
        <translation>Sain: %1%</translation>
    </message>
    <message>
        <location filename="../../ui/screens/consultation.py" line="238"/>
        <source>The specialist&apos;s video</source>
        <translation>Fideo&apos;r arbenigwr</translation>
    </message>
    <message>
        <location filename="../../ui/screens/consultation.py" line="239"/>
        <source>Your camera picture</source>
        <translation>Llun eich camera</translation>
    </message>
    <message>
        <location filename="../../ui/screens/consultation.py" line="241"/>
        <source>The connection dropped.</source>
        <translation>Mae&apos;r cysylltiad wedi torri.</translation>
    </message>
    <message>
        <location filename="../../ui/screens/consultation.py" line="242"/>
        <source>Reconnecting… You don&apos;t need to do anything.</source>
        <translation>Wrthi&apos;n ailgysylltu… Does dim angen i chi wneud dim byd.</translation>
    </message>
    <message>
        <location filename="../../ui/screens/consultation.py" line="243"/>
        <location filename="../../ui/screens/consultation.py" line="244"/>
        <source>Quieter</source>
        <translation>Tawelach</translation>
    </message>
    <message>
        <location filename="../../ui/screens/consultation.py" line="244"/>
        <source>Turns the sound down.</source>
        <translation>Yn troi&apos;r sain i lawr.</translation>
    </message>
    <message>
        <location filename="../../ui/screens/consultation.py" line="245"/>
        <location filename="../../ui/screens/consultation.py" line="246"/>
        <source>Louder</source>
        <translation>Uwch</translation>
    </message>
    <message>
        <location filename="../../ui/screens/consultation.py" line="246"/>
        <source>Turns the sound up.</source>
        <translation>Yn troi&apos;r sain i fyny.</translation>
    </message>
    <message>
        <location filename="../../ui/screens/consultation.py" line="247"/>
        <location filename="../../ui/screens/consultation.py" line="248"/>
        <source>I need help</source>
        <translation>Mae angen help arna i</translation>
    </message>
    <message>
        <location filename="../../ui/screens/consultation.py" line="249"/>
        <source>Tells a member of staff that you need help. The call carries on.</source>
        <translation>Yn dweud wrth aelod o staff bod angen help arnoch chi. Mae&apos;r alwad yn parhau.</translation>
    </message>
    <message>
        <location filename="../../ui/screens/consultation.py" line="250"/>
        <location filename="../../ui/screens/consultation.py" line="251"/>
        <source>End call</source>
        <translation>Gorffen yr alwad</translation>
    </message>
    <message>
        <location filename="../../ui/screens/consultation.py" line="252"/>
        <source>Asks if you are sure, then ends the video call.</source>
        <translation>Yn gofyn ydych chi&apos;n siŵr, ac wedyn yn gorffen yr alwad fideo.</translation>
    </message>
    <message>
        <location filename="../../ui/screens/consultation.py" line="254"/>
        <source>Do you want to end the call?</source>
        <translation>Ydych chi eisiau gorffen yr alwad?</translation>
    </message>
    <message>
        <location filename="../../ui/screens/consultation.py" line="255"/>
        <source>If you end it, the specialist will not be able to talk to you.</source>
        <translation>Os byddwch chi&apos;n ei gorffen, fydd yr arbenigwr ddim yn gallu siarad â chi.</translation>
    </message>
    <message>
        <location filename="../../ui/screens/consultation.py" line="256"/>
        <source>Yes, end the call</source>
        <translation>Ydw, gorffen yr alwad</translation>
    </message>
    <message>
        <location filename="../../ui/screens/consultation.py" line="256"/>
        <source>Ends the video call now.</source>
        <translation>Yn gorffen yr alwad fideo nawr.</translation>
    </message>
    <message>
        <location filename="../../ui/screens/consultation.py" line="257"/>
        <source>No, carry on</source>
        <translation>Nac ydw, parhau</translation>
    </message>
    <message>
        <location filename="../../ui/screens/consultation.py" line="257"/>
        <source>Goes back to the call.</source>
        <translation>Yn mynd yn ôl i&apos;r alwad.</translation>
    </message>
</context>
<context>
    <name>DeviceChecksScreen</name>
    <message>
        <location filename="../../ui/screens/device_checks.py" line="256"/>
        <source>Volume: %1%</source>
        <translation>Sain: %1%</translation>
    </message>
    <message>
        <location filename="../../ui/screens/device_checks.py" line="255"/>
        <source>We can hear you.</source>
        <translation>Rydyn ni&apos;n gallu eich clywed chi.</translation>
    </message>
    <message>
        <location filename="../../ui/screens/device_checks.py" line="255"/>
        <source>Listening…</source>
        <translation>Wrthi&apos;n gwrando…</translation>
    </message>
    <message>
        <location filename="../../ui/screens/device_checks.py" line="251"/>
        <source>Check %1 of 3</source>
        <translation>Gwiriad %1 o 3</translation>
    </message>
    <message>
        <location filename="../../ui/screens/device_checks.py" line="252"/>
        <source>Checks finished</source>
        <translation>Gwiriadau wedi gorffen</translation>
    </message>
    <message>
        <location filename="../../ui/screens/device_checks.py" line="279"/>
        <source>You couldn&apos;t see yourself</source>
        <translation>Doeddech chi ddim yn gallu gweld eich hun</translation>
    </message>
    <message>
        <location filename="../../ui/screens/device_checks.py" line="274"/>
        <location filename="../../ui/screens/device_checks.py" line="282"/>
        <source>Try a different camera:</source>
        <translation>Rhowch gynnig ar gamera arall:</translation>
    </message>
    <message>
        <location filename="../../ui/screens/device_checks.py" line="275"/>
        <location filename="../../ui/screens/device_checks.py" line="283"/>
        <source>Carry on without video</source>
        <translation>Parhau heb fideo</translation>
    </message>
    <message>
        <location filename="../../ui/screens/device_checks.py" line="276"/>
        <location filename="../../ui/screens/device_checks.py" line="284"/>
        <source>Goes on to the next check. The specialist will hear you but not see you.</source>
        <translation>Yn mynd ymlaen i&apos;r gwiriad nesaf. Bydd yr arbenigwr yn eich clywed ond ddim yn eich gweld.</translation>
    </message>
    <message>
        <location filename="../../ui/screens/device_checks.py" line="287"/>
        <source>The microphone couldn&apos;t hear you</source>
        <translation>Doedd y meicroffon ddim yn gallu eich clywed</translation>
    </message>
    <message>
        <location filename="../../ui/screens/device_checks.py" line="288"/>
        <source>Try again and speak a little louder. If it still doesn&apos;t work, a member of staff can help: touch &quot;I need help&quot;.</source>
        <translation>Rhowch gynnig arall arni a siaradwch ychydig yn uwch. Os nad yw&apos;n gweithio o hyd, gall aelod o staff helpu: cyffyrddwch â &quot;Mae angen help arna i&quot;.</translation>
    </message>
    <message>
        <location filename="../../ui/screens/device_checks.py" line="289"/>
        <source>Try a different microphone:</source>
        <translation>Rhowch gynnig ar feicroffon arall:</translation>
    </message>
    <message>
        <location filename="../../ui/screens/device_checks.py" line="267"/>
        <source>Carry on anyway</source>
        <translation>Parhau beth bynnag</translation>
    </message>
    <message>
        <location filename="../../ui/screens/device_checks.py" line="290"/>
        <source>Goes on to the next check without a working microphone.</source>
        <translation>Yn mynd ymlaen i&apos;r gwiriad nesaf heb feicroffon sy&apos;n gweithio.</translation>
    </message>
    <message>
        <location filename="../../ui/screens/device_checks.py" line="292"/>
        <source>You couldn&apos;t hear the sound</source>
        <translation>Doeddech chi ddim yn gallu clywed y sain</translation>
    </message>
    <message>
        <location filename="../../ui/screens/device_checks.py" line="293"/>
        <source>The sound may be too quiet. Try again and we will play it louder. If you use a hearing aid, a member of staff can help.</source>
        <translation>Efallai fod y sain yn rhy dawel. Rhowch gynnig arall arni a byddwn ni&apos;n ei chwarae&apos;n uwch. Os ydych chi&apos;n defnyddio cymorth clyw, gall aelod o staff helpu.</translation>
    </message>
    <message>
        <location filename="../../ui/screens/device_checks.py" line="297"/>
        <source>Try different speakers:</source>
        <translation>Rhowch gynnig ar seinyddion eraill:</translation>
    </message>
    <message>
        <location filename="../../ui/screens/device_checks.py" line="267"/>
        <source>Goes on without working sound.</source>
        <translation>Yn mynd ymlaen heb sain sy&apos;n gweithio.</translation>
    </message>
    <message>
        <location filename="../../ui/screens/device_checks.py" line="269"/>
        <source>The camera here does not work today</source>
        <translation>Nid yw&apos;r camera yma yn gweithio heddiw</translation>
    </message>
    <message>
        <location filename="../../ui/screens/device_checks.py" line="272"/>
        <source>You can still talk to the specialist: they will hear you, but not see you. If something is in front of the camera, move it and try again.</source>
        <translation>Gallwch siarad â&apos;r arbenigwr o hyd: bydd yn eich clywed, ond ni fydd yn eich gweld. Os oes rhywbeth o flaen y camera, symudwch ef a rhowch gynnig arall arni.</translation>
    </message>
    <message>
        <location filename="../../ui/screens/device_checks.py" line="280"/>
        <source>Make sure nothing is in front of the camera, then try again. Or you can carry on with sound only: the specialist will still hear you.</source>
        <translation>Gwnewch yn siŵr nad oes dim byd o flaen y camera, yna rhowch gynnig arall arni. Neu gallwch chi barhau gyda sain yn unig: bydd yr arbenigwr yn dal i allu eich clywed.</translation>
    </message>
    <message>
        <location filename="../../ui/screens/device_checks.py" line="307"/>
        <source>Uses this device and tries the check again.</source>
        <translation>Yn defnyddio&apos;r ddyfais hon ac yn gwirio eto.</translation>
    </message>
    <message>
        <location filename="../../ui/screens/device_checks.py" line="311"/>
        <source>Camera</source>
        <translation>Camera</translation>
    </message>
    <message>
        <location filename="../../ui/screens/device_checks.py" line="311"/>
        <source>Microphone</source>
        <translation>Meicroffon</translation>
    </message>
    <message>
        <location filename="../../ui/screens/device_checks.py" line="312"/>
        <source>Sound</source>
        <translation>Sain</translation>
    </message>
    <message>
        <location filename="../../ui/screens/device_checks.py" line="312"/>
        <source>Internet connection</source>
        <translation>Cysylltiad â&apos;r rhyngrwyd</translation>
    </message>
    <message>
        <location filename="../../ui/screens/device_checks.py" line="313"/>
        <source>Working</source>
        <translation>Yn gweithio</translation>
    </message>
    <message>
        <location filename="../../ui/screens/device_checks.py" line="313"/>
        <source>Working, but not perfectly</source>
        <translation>Yn gweithio, ond ddim yn berffaith</translation>
    </message>
    <message>
        <location filename="../../ui/screens/device_checks.py" line="314"/>
        <source>Not working</source>
        <translation>Ddim yn gweithio</translation>
    </message>
    <message>
        <location filename="../../ui/screens/device_checks.py" line="314"/>
        <source>Not checked</source>
        <translation>Heb ei wirio</translation>
    </message>
    <message>
        <location filename="../../ui/screens/device_checks.py" line="315"/>
        <source>Checking…</source>
        <translation>Wrthi&apos;n gwirio…</translation>
    </message>
    <message>
        <location filename="../../ui/screens/device_checks.py" line="329"/>
        <source>Some things are not working. You can still carry on, or touch &quot;I need help&quot; and a member of staff will come.</source>
        <translation>Dydy rhai pethau ddim yn gweithio. Gallwch chi barhau o hyd, neu gyffwrdd â &quot;Mae angen help arna i&quot; a bydd aelod o staff yn dod.</translation>
    </message>
    <message>
        <location filename="../../ui/screens/device_checks.py" line="270"/>
        <source>You can still talk to the specialist: they will hear you, but not see you.</source>
        <translation>Gallwch siarad â&apos;r arbenigwr o hyd: bydd yn eich clywed, ond ni fydd yn eich gweld.</translation>
    </message>
    <message>
        <location filename="../../ui/screens/device_checks.py" line="295"/>
        <source>The sound is already as loud as it goes. Try again and listen carefully. If you use a hearing aid, a member of staff can help.</source>
        <translation>Mae&apos;r sain eisoes mor uchel ag y gall fod. Rhowch gynnig arall arni a gwrandewch yn ofalus. Os ydych chi&apos;n defnyddio cymorth clyw, gall aelod o staff helpu.</translation>
    </message>
    <message>
        <location filename="../../ui/screens/device_checks.py" line="328"/>
        <source>You are all set for your video call.</source>
        <translation>Mae popeth yn barod ar gyfer eich galwad fideo.</translation>
    </message>
    <message>
        <location filename="../../ui/screens/device_checks.py" line="333"/>
        <source>Your camera picture</source>
        <translation>Llun eich camera</translation>
    </message>
    <message>
        <location filename="../../ui/screens/device_checks.py" line="334"/>
        <source>Starting the camera…</source>
        <translation>Wrthi&apos;n dechrau&apos;r camera…</translation>
    </message>
    <message>
        <location filename="../../ui/screens/device_checks.py" line="335"/>
        <source>Can you see yourself?</source>
        <translation>Ydych chi&apos;n gallu gweld eich hun?</translation>
    </message>
    <message>
        <location filename="../../ui/screens/device_checks.py" line="337"/>
        <source>Look at the picture. You should see yourself, like in a mirror.</source>
        <translation>Edrychwch ar y llun. Dylech chi weld eich hun, fel mewn drych.</translation>
    </message>
    <message>
        <location filename="../../ui/screens/device_checks.py" line="338"/>
        <source>Yes, I can see myself</source>
        <translation>Ydw, rydw i&apos;n gallu gweld fy hun</translation>
    </message>
    <message>
        <location filename="../../ui/screens/device_checks.py" line="339"/>
        <source>The camera works. Goes on to the next check.</source>
        <translation>Mae&apos;r camera&apos;n gweithio. Yn mynd ymlaen i&apos;r gwiriad nesaf.</translation>
    </message>
    <message>
        <location filename="../../ui/screens/device_checks.py" line="340"/>
        <source>No</source>
        <translation>Nac ydw</translation>
    </message>
    <message>
        <location filename="../../ui/screens/device_checks.py" line="340"/>
        <location filename="../../ui/screens/device_checks.py" line="353"/>
        <source>Shows what you can do to fix it.</source>
        <translation>Yn dangos beth allwch chi ei wneud i&apos;w drwsio.</translation>
    </message>
    <message>
        <location filename="../../ui/screens/device_checks.py" line="341"/>
        <source>Let&apos;s check the microphone</source>
        <translation>Gadewch i ni wirio&apos;r meicroffon</translation>
    </message>
    <message>
        <location filename="../../ui/screens/device_checks.py" line="343"/>
        <source>Please say &quot;Hello&quot; out loud. The blocks light up when the microphone hears you.</source>
        <translation>Dywedwch &quot;Helo&quot; yn uchel. Mae&apos;r blociau&apos;n goleuo pan fydd y meicroffon yn eich clywed chi.</translation>
    </message>
    <message>
        <location filename="../../ui/screens/device_checks.py" line="344"/>
        <source>The blocks don&apos;t light up</source>
        <translation>Dydy&apos;r blociau ddim yn goleuo</translation>
    </message>
    <message>
        <location filename="../../ui/screens/device_checks.py" line="345"/>
        <source>Tells us the microphone can&apos;t hear you and shows what you can do.</source>
        <translation>Yn dweud wrthon ni nad yw&apos;r meicroffon yn gallu eich clywed, ac yn dangos beth allwch chi ei wneud.</translation>
    </message>
    <message>
        <location filename="../../ui/screens/device_checks.py" line="346"/>
        <source>Let&apos;s check the sound</source>
        <translation>Gadewch i ni wirio&apos;r sain</translation>
    </message>
    <message>
        <location filename="../../ui/screens/device_checks.py" line="348"/>
        <source>Touch &quot;Play a sound&quot; and listen. Did you hear the sound?</source>
        <translation>Cyffyrddwch â &quot;Chwarae sain&quot; a gwrandewch. Wnaethoch chi glywed y sain?</translation>
    </message>
    <message>
        <location filename="../../ui/screens/device_checks.py" line="349"/>
        <source>Play a sound</source>
        <translation>Chwarae sain</translation>
    </message>
    <message>
        <location filename="../../ui/screens/device_checks.py" line="349"/>
        <source>Plays a short chime.</source>
        <translation>Yn chwarae tôn fer.</translation>
    </message>
    <message>
        <location filename="../../ui/screens/device_checks.py" line="350"/>
        <source>Yes, I heard it</source>
        <translation>Do, fe wnes i ei chlywed</translation>
    </message>
    <message>
        <location filename="../../ui/screens/device_checks.py" line="351"/>
        <source>The sound works. Goes on to the next step.</source>
        <translation>Mae&apos;r sain yn gweithio. Yn mynd ymlaen i&apos;r cam nesaf.</translation>
    </message>
    <message>
        <location filename="../../ui/screens/device_checks.py" line="352"/>
        <source>No</source>
        <comment>answer to: did you hear the sound?</comment>
        <translation>Naddo</translation>
    </message>
    <message>
        <location filename="../../ui/screens/device_checks.py" line="354"/>
        <source>Play it again</source>
        <translation>Chwarae eto</translation>
    </message>
    <message>
        <location filename="../../ui/screens/device_checks.py" line="354"/>
        <source>Plays the chime again.</source>
        <translation>Yn chwarae&apos;r dôn eto.</translation>
    </message>
    <message>
        <location filename="../../ui/screens/device_checks.py" line="355"/>
        <source>Quieter</source>
        <translation>Tawelach</translation>
    </message>
    <message>
        <location filename="../../ui/screens/device_checks.py" line="355"/>
        <source>Turns the sound down.</source>
        <translation>Yn troi&apos;r sain i lawr.</translation>
    </message>
    <message>
        <location filename="../../ui/screens/device_checks.py" line="356"/>
        <source>Louder</source>
        <translation>Uwch</translation>
    </message>
    <message>
        <location filename="../../ui/screens/device_checks.py" line="356"/>
        <source>Turns the sound up.</source>
        <translation>Yn troi&apos;r sain i fyny.</translation>
    </message>
    <message>
        <location filename="../../ui/screens/device_checks.py" line="357"/>
        <source>Try again</source>
        <translation>Rhoi cynnig arall arni</translation>
    </message>
    <message>
        <location filename="../../ui/screens/device_checks.py" line="357"/>
        <source>Does this check again.</source>
        <translation>Yn gwneud y gwiriad hwn eto.</translation>
    </message>
    <message>
        <location filename="../../ui/screens/device_checks.py" line="358"/>
        <source>Your checks are finished</source>
        <translation>Mae eich gwiriadau wedi gorffen</translation>
    </message>
    <message>
        <location filename="../../ui/screens/device_checks.py" line="359"/>
        <source>Continue</source>
        <translation>Parhau</translation>
    </message>
    <message>
        <location filename="../../ui/screens/device_checks.py" line="360"/>
        <source>Goes to the waiting room for your appointment.</source>
        <translation>Yn mynd i&apos;r ystafell aros ar gyfer eich apwyntiad.</translation>
    </message>
    <message>
        <location filename="../../ui/screens/device_checks.py" line="361"/>
        <source>Do the checks again</source>
        <translation>Gwneud y gwiriadau eto</translation>
    </message>
    <message>
        <location filename="../../ui/screens/device_checks.py" line="362"/>
        <source>Does all three checks again.</source>
        <translation>Yn gwneud y tri gwiriad eto.</translation>
    </message>
</context>
<context>
    <name>FaceScale</name>
    <message>
        <location filename="../../ui/widgets/faces.py" line="181"/>
        <source>Very bad</source>
        <translation>Gwael iawn</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/faces.py" line="181"/>
        <source>Bad</source>
        <translation>Gwael</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/faces.py" line="181"/>
        <source>Okay</source>
        <translation>Iawn</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/faces.py" line="182"/>
        <source>Good</source>
        <translation>Da</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/faces.py" line="182"/>
        <source>Very good</source>
        <translation>Da iawn</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/faces.py" line="186"/>
        <source>Answer %1 out of 5.</source>
        <translation>Ateb %1 allan o 5.</translation>
    </message>
</context>
<context>
    <name>FeedbackScreen</name>
    <message>
        <location filename="../../ui/screens/feedback.py" line="249"/>
        <source>Thank you for using the kiosk.</source>
        <translation>Diolch am ddefnyddio&apos;r ciosg.</translation>
    </message>
    <message>
        <location filename="../../ui/screens/feedback.py" line="301"/>
        <source>Yes</source>
        <translation>Ie</translation>
    </message>
    <message>
        <location filename="../../ui/screens/feedback.py" line="301"/>
        <source>No</source>
        <translation>Na</translation>
    </message>
    <message>
        <location filename="../../ui/screens/feedback.py" line="311"/>
        <source>Choose this answer.</source>
        <translation>Yn dewis yr ateb hwn.</translation>
    </message>
    <message>
        <location filename="../../ui/screens/feedback.py" line="331"/>
        <location filename="../../ui/screens/feedback.py" line="362"/>
        <source>Your answer</source>
        <translation>Eich ateb</translation>
    </message>
    <message>
        <location filename="../../ui/screens/feedback.py" line="362"/>
        <source>Type your answer here.</source>
        <translation>Teipiwch eich ateb yma.</translation>
    </message>
    <message>
        <location filename="../../ui/screens/feedback.py" line="400"/>
        <source>Question %1 of %2</source>
        <translation>Cwestiwn %1 o %2</translation>
    </message>
    <message>
        <location filename="../../ui/screens/feedback.py" line="403"/>
        <source>The call has ended. Please tell us how it went: it helps us improve. You can skip any question.</source>
        <translation>Mae&apos;r alwad wedi gorffen. Dywedwch wrthon ni sut aeth hi: mae&apos;n ein helpu ni i wella. Gallwch chi hepgor unrhyw gwestiwn.</translation>
    </message>
    <message>
        <location filename="../../ui/screens/feedback.py" line="407"/>
        <location filename="../../ui/screens/feedback.py" line="408"/>
        <location filename="../../ui/screens/feedback.py" line="410"/>
        <location filename="../../ui/screens/feedback.py" line="411"/>
        <source>Finish</source>
        <translation>Gorffen</translation>
    </message>
    <message>
        <location filename="../../ui/screens/feedback.py" line="408"/>
        <source>Finishes and says goodbye.</source>
        <translation>Yn gorffen ac yn ffarwelio.</translation>
    </message>
    <message>
        <location filename="../../ui/screens/feedback.py" line="412"/>
        <source>Saves your answer and finishes.</source>
        <translation>Yn cadw eich ateb ac yn gorffen.</translation>
    </message>
    <message>
        <location filename="../../ui/screens/feedback.py" line="414"/>
        <location filename="../../ui/screens/feedback.py" line="415"/>
        <source>Next</source>
        <translation>Nesaf</translation>
    </message>
    <message>
        <location filename="../../ui/screens/feedback.py" line="416"/>
        <source>Saves your answer and shows the next question.</source>
        <translation>Yn cadw eich ateb ac yn dangos y cwestiwn nesaf.</translation>
    </message>
    <message>
        <location filename="../../ui/screens/feedback.py" line="417"/>
        <location filename="../../ui/screens/feedback.py" line="418"/>
        <source>Skip</source>
        <translation>Hepgor</translation>
    </message>
    <message>
        <location filename="../../ui/screens/feedback.py" line="419"/>
        <source>Goes on to the next question with no answer.</source>
        <translation>Yn mynd ymlaen i&apos;r cwestiwn nesaf heb ateb.</translation>
    </message>
    <message>
        <location filename="../../ui/screens/feedback.py" line="420"/>
        <location filename="../../ui/screens/feedback.py" line="421"/>
        <source>Finish now</source>
        <translation>Gorffen nawr</translation>
    </message>
    <message>
        <location filename="../../ui/screens/feedback.py" line="422"/>
        <source>Stops the questions. Answers you gave are kept.</source>
        <translation>Yn stopio&apos;r cwestiynau. Mae&apos;r atebion a roesoch chi&apos;n cael eu cadw.</translation>
    </message>
</context>
<context>
    <name>Header</name>
    <message>
        <location filename="../../ui/widgets/header.py" line="99"/>
        <location filename="../../ui/widgets/header.py" line="100"/>
        <source>Read aloud</source>
        <translation>Darllen yn uchel</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/header.py" line="101"/>
        <source>Reads this screen out loud. Touch the screen to stop.</source>
        <translation>Yn darllen y sgrin hon yn uchel. Cyffyrddwch â&apos;r sgrin i stopio.</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/header.py" line="102"/>
        <location filename="../../ui/widgets/header.py" line="103"/>
        <source>Start again</source>
        <translation>Dechrau eto</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/header.py" line="104"/>
        <source>Clears everything you have typed and goes back to the first screen.</source>
        <translation>Yn clirio popeth rydych chi wedi&apos;i deipio ac yn mynd yn ôl i&apos;r sgrin gyntaf.</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/header.py" line="105"/>
        <location filename="../../ui/widgets/header.py" line="106"/>
        <source>I need help</source>
        <translation>Mae angen help arna i</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/header.py" line="107"/>
        <source>Tells a member of staff that you need help.</source>
        <translation>Yn dweud wrth aelod o staff bod angen help arnoch chi.</translation>
    </message>
</context>
<context>
    <name>HelpOverlay</name>
    <message>
        <location filename="../../ui/widgets/overlays.py" line="193"/>
        <source>Someone from reception is coming.</source>
        <translation>Mae rhywun o&apos;r dderbynfa yn dod.</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/overlays.py" line="194"/>
        <source>Their name is %1. Please stay where you are.</source>
        <translation>Eu henw yw %1. Arhoswch lle rydych chi, os gwelwch yn dda.</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/overlays.py" line="195"/>
        <source>Please stay where you are.</source>
        <translation>Arhoswch lle rydych chi, os gwelwch yn dda.</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/overlays.py" line="199"/>
        <source>The call to the specialist was cut off.</source>
        <translation>Cafodd yr alwad gyda&apos;r arbenigwr ei thorri.</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/overlays.py" line="200"/>
        <source>Please ask at reception. A member of staff has been told.</source>
        <translation>Gofynnwch yn y dderbynfa. Mae aelod o staff wedi cael gwybod.</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/overlays.py" line="204"/>
        <source>Help is on its way.</source>
        <translation>Mae help ar ei ffordd.</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/overlays.py" line="205"/>
        <source>A member of staff has been told. Please stay where you are.</source>
        <translation>Mae aelod o staff wedi cael gwybod. Arhoswch lle rydych chi, os gwelwch yn dda.</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/overlays.py" line="209"/>
        <source>Asking for help…</source>
        <translation>Wrthi&apos;n gofyn am help…</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/overlays.py" line="210"/>
        <source>We are letting a member of staff know. Please stay where you are.</source>
        <translation>Rydyn ni&apos;n rhoi gwybod i aelod o staff. Arhoswch lle rydych chi, os gwelwch yn dda.</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/overlays.py" line="212"/>
        <location filename="../../ui/widgets/overlays.py" line="213"/>
        <source>Close this message</source>
        <translation>Cau&apos;r neges hon</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/overlays.py" line="214"/>
        <source>Hides this message. Staff have still been asked to help you.</source>
        <translation>Yn cuddio&apos;r neges hon. Mae&apos;r staff wedi cael cais i&apos;ch helpu o hyd.</translation>
    </message>
</context>
<context>
    <name>IdleOverlay</name>
    <message>
        <location filename="../../ui/widgets/overlays.py" line="142"/>
        <source>Are you still there?</source>
        <translation>Ydych chi yna o hyd?</translation>
    </message>
    <message numerus="yes">
        <location filename="../../ui/widgets/overlays.py" line="143"/>
        <source>To keep your details safe, the kiosk will start again in %n second(s).</source>
        <translation>
            <numerusform>Er mwyn cadw eich manylion yn ddiogel, bydd y ciosg yn ailddechrau mewn %n eiliad.</numerusform>
            <numerusform>Er mwyn cadw eich manylion yn ddiogel, bydd y ciosg yn ailddechrau mewn %n eiliad.</numerusform>
            <numerusform>Er mwyn cadw eich manylion yn ddiogel, bydd y ciosg yn ailddechrau mewn %n eiliad.</numerusform>
            <numerusform>Er mwyn cadw eich manylion yn ddiogel, bydd y ciosg yn ailddechrau mewn %n eiliad.</numerusform>
            <numerusform>Er mwyn cadw eich manylion yn ddiogel, bydd y ciosg yn ailddechrau mewn %n eiliad.</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../ui/widgets/overlays.py" line="146"/>
        <location filename="../../ui/widgets/overlays.py" line="147"/>
        <source>I&apos;m still here</source>
        <translation>Rydw i yma o hyd</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/overlays.py" line="148"/>
        <source>Carries on from where you were.</source>
        <translation>Yn parhau o&apos;r lle roeddech chi.</translation>
    </message>
</context>
<context>
    <name>KioskController</name>
    <message>
        <location filename="../../ui/controller.py" line="284"/>
        <source>Video calls will work well here.</source>
        <extracomment>The last ``status`` handed to the engine for the hub (step, detail).</extracomment>
        <translation>Bydd galwadau fideo yn gweithio&apos;n dda yma.</translation>
    </message>
    <message>
        <location filename="../../ui/controller.py" line="285"/>
        <source>Video may be poor; we will try.</source>
        <translation>Efallai y bydd y fideo&apos;n wael, ond byddwn ni&apos;n rhoi cynnig arni.</translation>
    </message>
    <message>
        <location filename="../../ui/controller.py" line="286"/>
        <source>We cannot connect. Please ask a member of staff.</source>
        <translation>Allwn ni ddim cysylltu. Gofynnwch i aelod o staff.</translation>
    </message>
</context>
<context>
    <name>LevelMeter</name>
    <message>
        <location filename="../../ui/widgets/level_meter.py" line="23"/>
        <source>Microphone level</source>
        <translation>Lefel y meicroffon</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/level_meter.py" line="24"/>
        <source>The blocks light up when the microphone hears you.</source>
        <translation>Mae&apos;r blociau&apos;n goleuo pan fydd y meicroffon yn eich clywed chi.</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../../ui/window.py" line="386"/>
        <location filename="../../ui/window.py" line="396"/>
        <source>Staff mode</source>
        <extracomment>Steps where &quot;Start again&quot; is offered in the header (safe: nothing is lost but typing). Steps without the header: the call has its own &quot;I need help&quot;; admin is for staff.</extracomment>
        <translation>Modd staff</translation>
    </message>
</context>
<context>
    <name>NumPad</name>
    <message>
        <location filename="../../ui/widgets/numpad.py" line="56"/>
        <source>Types the number %1.</source>
        <translation>Yn teipio&apos;r rhif %1.</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/numpad.py" line="57"/>
        <location filename="../../ui/widgets/numpad.py" line="58"/>
        <source>Delete</source>
        <translation>Dileu</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/numpad.py" line="58"/>
        <source>Removes the last number you typed.</source>
        <translation>Yn dileu&apos;r rhif olaf y gwnaethoch ei deipio.</translation>
    </message>
</context>
<context>
    <name>OnScreenKeyboard</name>
    <message>
        <location filename="../../ui/widgets/keyboard.py" line="124"/>
        <source>Types %1</source>
        <translation>Yn teipio %1</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/keyboard.py" line="148"/>
        <location filename="../../ui/widgets/keyboard.py" line="149"/>
        <source>Capitals</source>
        <translation>Priflythrennau</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/keyboard.py" line="150"/>
        <source>The next letter you type will be a capital letter.</source>
        <translation>Bydd y llythyren nesaf y byddwch chi&apos;n ei theipio yn briflythyren.</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/keyboard.py" line="152"/>
        <location filename="../../ui/widgets/keyboard.py" line="153"/>
        <source>Accents</source>
        <translation>Acenion</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/keyboard.py" line="154"/>
        <source>Shows letters with accents in the top row of letters.</source>
        <translation>Yn dangos llythrennau ag acenion yn y rhes uchaf o lythrennau.</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/keyboard.py" line="155"/>
        <location filename="../../ui/widgets/keyboard.py" line="156"/>
        <source>Space</source>
        <translation>Bwlch</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/keyboard.py" line="156"/>
        <source>Types a space between words.</source>
        <translation>Yn teipio bwlch rhwng geiriau.</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/keyboard.py" line="157"/>
        <location filename="../../ui/widgets/keyboard.py" line="158"/>
        <source>Delete</source>
        <translation>Dileu</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/keyboard.py" line="158"/>
        <source>Removes the last letter you typed.</source>
        <translation>Yn dileu&apos;r llythyren olaf y gwnaethoch ei theipio.</translation>
    </message>
</context>
<context>
    <name>OutOfServiceScreen</name>
    <message>
        <location filename="../../ui/screens/out_of_service.py" line="78"/>
        <source>This kiosk is not ready.</source>
        <translation>Dydy&apos;r ciosg hwn ddim yn barod.</translation>
    </message>
    <message>
        <location filename="../../ui/screens/out_of_service.py" line="79"/>
        <source>Please ask at reception.</source>
        <translation>Gofynnwch yn y dderbynfa, os gwelwch yn dda.</translation>
    </message>
    <message>
        <location filename="../../ui/screens/out_of_service.py" line="84"/>
        <source>Shows the kiosk in this language: %1</source>
        <translation>Yn dangos y ciosg yn yr iaith hon: %1</translation>
    </message>
</context>
<context>
    <name>Screen</name>
    <message>
        <location filename="../../ui/screens/base.py" line="164"/>
        <source>You can touch:</source>
        <extracomment>Label roles read as a screen&apos;s heading, and as its instructions. Button roles that are keys (digits, letters), never read as choices. Follow-up questions that may still be asked: (id, the id of the question deciding it).</extracomment>
        <translation>Gallwch gyffwrdd:</translation>
    </message>
</context>
<context>
    <name>ThanksScreen</name>
    <message numerus="yes">
        <location filename="../../ui/screens/thanks.py" line="60"/>
        <source>This screen will close by itself in %n second(s).</source>
        <translation>
            <numerusform>Bydd y sgrin hon yn cau ar ei phen ei hun mewn %n eiliad.</numerusform>
            <numerusform>Bydd y sgrin hon yn cau ar ei phen ei hun mewn %n eiliad.</numerusform>
            <numerusform>Bydd y sgrin hon yn cau ar ei phen ei hun mewn %n eiliad.</numerusform>
            <numerusform>Bydd y sgrin hon yn cau ar ei phen ei hun mewn %n eiliad.</numerusform>
            <numerusform>Bydd y sgrin hon yn cau ar ei phen ei hun mewn %n eiliad.</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../ui/screens/thanks.py" line="63"/>
        <source>Thank you</source>
        <translation>Diolch</translation>
    </message>
    <message>
        <location filename="../../ui/screens/thanks.py" line="64"/>
        <source>You can leave the kiosk now.</source>
        <translation>Gallwch chi adael y ciosg nawr.</translation>
    </message>
    <message>
        <location filename="../../ui/screens/thanks.py" line="65"/>
        <source>Please remember to take your things with you.</source>
        <translation>Cofiwch fynd â&apos;ch pethau gyda chi, os gwelwch yn dda.</translation>
    </message>
    <message>
        <location filename="../../ui/screens/thanks.py" line="66"/>
        <location filename="../../ui/screens/thanks.py" line="67"/>
        <source>Finish</source>
        <translation>Gorffen</translation>
    </message>
    <message>
        <location filename="../../ui/screens/thanks.py" line="68"/>
        <source>Goes back to the welcome screen for the next person.</source>
        <translation>Yn mynd yn ôl i&apos;r sgrin groeso ar gyfer y person nesaf.</translation>
    </message>
</context>
<context>
    <name>WaitingScreen</name>
    <message>
        <location filename="../../ui/screens/waiting.py" line="120"/>
        <source>You have waited less than a minute.</source>
        <translation>Rydych chi wedi aros llai na munud.</translation>
    </message>
    <message numerus="yes">
        <location filename="../../ui/screens/waiting.py" line="121"/>
        <source>You have waited %n minute(s).</source>
        <translation>
            <numerusform>Rydych chi wedi aros %n munud.</numerusform>
            <numerusform>Rydych chi wedi aros %n munud.</numerusform>
            <numerusform>Rydych chi wedi aros %n munud.</numerusform>
            <numerusform>Rydych chi wedi aros %n munud.</numerusform>
            <numerusform>Rydych chi wedi aros %n munud.</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../ui/screens/waiting.py" line="125"/>
        <source>%1 will join you soon.</source>
        <translation>Bydd %1 yn ymuno â chi cyn bo hir.</translation>
    </message>
    <message>
        <location filename="../../ui/screens/waiting.py" line="127"/>
        <source>The specialist will join you soon.</source>
        <translation>Bydd yr arbenigwr yn ymuno â chi cyn bo hir.</translation>
    </message>
    <message>
        <location filename="../../ui/screens/waiting.py" line="134"/>
        <source>Message from %1:</source>
        <translation>Neges gan %1:</translation>
    </message>
    <message>
        <location filename="../../ui/screens/waiting.py" line="136"/>
        <source>Message from the clinic:</source>
        <translation>Neges gan y clinig:</translation>
    </message>
    <message>
        <location filename="../../ui/screens/waiting.py" line="144"/>
        <source>You are checked in</source>
        <translation>Rydych chi wedi cofrestru</translation>
    </message>
    <message>
        <location filename="../../ui/screens/waiting.py" line="146"/>
        <source>Please stay near the screen. The call will start by itself.</source>
        <translation>Arhoswch yn agos at y sgrin, os gwelwch yn dda. Bydd yr alwad yn dechrau ar ei phen ei hun.</translation>
    </message>
    <message>
        <location filename="../../ui/screens/waiting.py" line="148"/>
        <source>Reconnecting to the clinic… You don&apos;t need to do anything. You will not lose your place.</source>
        <translation>Wrthi&apos;n ailgysylltu â&apos;r clinig… Does dim angen i chi wneud dim byd. Fyddwch chi ddim yn colli eich lle.</translation>
    </message>
    <message>
        <location filename="../../ui/screens/waiting.py" line="150"/>
        <source>This is how you will look:</source>
        <translation>Dyma sut byddwch chi&apos;n edrych:</translation>
    </message>
    <message>
        <location filename="../../ui/screens/waiting.py" line="151"/>
        <source>Your camera picture</source>
        <translation>Llun eich camera</translation>
    </message>
    <message>
        <location filename="../../ui/screens/waiting.py" line="152"/>
        <source>Your camera picture will show here.</source>
        <translation>Bydd llun eich camera&apos;n ymddangos yma.</translation>
    </message>
    <message>
        <location filename="../../ui/screens/waiting.py" line="153"/>
        <location filename="../../ui/screens/waiting.py" line="154"/>
        <source>Leave the waiting room</source>
        <translation>Gadael yr ystafell aros</translation>
    </message>
    <message>
        <location filename="../../ui/screens/waiting.py" line="155"/>
        <source>Asks if you are sure, then cancels your check-in.</source>
        <translation>Yn gofyn ydych chi&apos;n siŵr, ac wedyn yn canslo eich cofrestru.</translation>
    </message>
    <message>
        <location filename="../../ui/screens/waiting.py" line="157"/>
        <source>Do you want to leave the waiting room?</source>
        <translation>Ydych chi eisiau gadael yr ystafell aros?</translation>
    </message>
    <message>
        <location filename="../../ui/screens/waiting.py" line="158"/>
        <source>You will lose your place and need to check in again.</source>
        <translation>Byddwch chi&apos;n colli eich lle a bydd angen i chi gofrestru eto.</translation>
    </message>
    <message>
        <location filename="../../ui/screens/waiting.py" line="159"/>
        <source>Yes, leave</source>
        <translation>Ydw, gadael</translation>
    </message>
    <message>
        <location filename="../../ui/screens/waiting.py" line="159"/>
        <source>Cancels your check-in and goes back to the start.</source>
        <translation>Yn canslo eich cofrestru ac yn mynd yn ôl i&apos;r dechrau.</translation>
    </message>
    <message>
        <location filename="../../ui/screens/waiting.py" line="160"/>
        <source>No, stay</source>
        <translation>Nac ydw, aros</translation>
    </message>
    <message>
        <location filename="../../ui/screens/waiting.py" line="160"/>
        <source>Keeps your place in the waiting room.</source>
        <translation>Yn cadw eich lle yn yr ystafell aros.</translation>
    </message>
</context>
<context>
    <name>WelcomeScreen</name>
    <message>
        <location filename="../../ui/screens/welcome.py" line="144"/>
        <source>Welcome to %1</source>
        <translation>Croeso i %1</translation>
    </message>
    <message>
        <location filename="../../ui/screens/welcome.py" line="146"/>
        <source>Check in here to see your specialist on a video call.</source>
        <translation>Cofrestrwch yma i weld eich arbenigwr ar alwad fideo.</translation>
    </message>
    <message>
        <location filename="../../ui/screens/welcome.py" line="147"/>
        <location filename="../../ui/screens/welcome.py" line="148"/>
        <source>Touch to start</source>
        <translation>Cyffyrddwch i ddechrau</translation>
    </message>
    <message>
        <location filename="../../ui/screens/welcome.py" line="149"/>
        <source>Starts checking you in for your appointment.</source>
        <translation>Yn dechrau eich cofrestru ar gyfer eich apwyntiad.</translation>
    </message>
    <message>
        <location filename="../../ui/screens/welcome.py" line="150"/>
        <source>Language</source>
        <translation>Iaith</translation>
    </message>
    <message>
        <location filename="../../ui/screens/welcome.py" line="151"/>
        <source>Make the screen easier to read</source>
        <translation>Gwneud y sgrin yn haws ei darllen</translation>
    </message>
    <message>
        <location filename="../../ui/screens/welcome.py" line="153"/>
        <source>Shows the kiosk in this language: %1</source>
        <translation>Yn dangos y ciosg yn yr iaith hon: %1</translation>
    </message>
    <message>
        <location filename="../../ui/screens/welcome.py" line="159"/>
        <source>On</source>
        <translation>Ymlaen</translation>
    </message>
    <message>
        <location filename="../../ui/screens/welcome.py" line="159"/>
        <source>Off</source>
        <translation>I ffwrdd</translation>
    </message>
    <message>
        <location filename="../../ui/screens/welcome.py" line="160"/>
        <source>Larger text</source>
        <translation>Testun mwy</translation>
    </message>
    <message>
        <location filename="../../ui/screens/welcome.py" line="161"/>
        <source>High contrast</source>
        <translation>Cyferbyniad uchel</translation>
    </message>
    <message>
        <location filename="../../ui/screens/welcome.py" line="164"/>
        <source>Read every screen aloud</source>
        <translation>Darllen pob sgrin yn uchel</translation>
    </message>
    <message>
        <location filename="../../ui/screens/welcome.py" line="168"/>
        <source>Reads each new screen out loud. It is on now.</source>
        <translation>Yn darllen pob sgrin newydd yn uchel. Mae ymlaen nawr.</translation>
    </message>
    <message>
        <location filename="../../ui/screens/welcome.py" line="169"/>
        <source>Reads each new screen out loud. It is off now.</source>
        <translation>Yn darllen pob sgrin newydd yn uchel. Mae i ffwrdd nawr.</translation>
    </message>
    <message>
        <location filename="../../ui/screens/welcome.py" line="171"/>
        <source>Makes all the writing bigger. It is on now.</source>
        <translation>Yn gwneud yr ysgrifen i gyd yn fwy. Mae ymlaen nawr.</translation>
    </message>
    <message>
        <location filename="../../ui/screens/welcome.py" line="172"/>
        <source>Makes all the writing bigger. It is off now.</source>
        <translation>Yn gwneud yr ysgrifen i gyd yn fwy. Mae i ffwrdd nawr.</translation>
    </message>
    <message>
        <location filename="../../ui/screens/welcome.py" line="174"/>
        <source>Shows yellow and white on black. It is on now.</source>
        <translation>Yn dangos melyn a gwyn ar ddu. Mae ymlaen nawr.</translation>
    </message>
    <message>
        <location filename="../../ui/screens/welcome.py" line="176"/>
        <source>Shows yellow and white on black. It is off now.</source>
        <translation>Yn dangos melyn a gwyn ar ddu. Mae i ffwrdd nawr.</translation>
    </message>
</context>
</TS>
